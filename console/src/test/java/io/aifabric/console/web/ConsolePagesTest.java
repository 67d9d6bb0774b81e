package io.aifabric.console.web;

import static io.aifabric.console.Objects.condition;
import static io.aifabric.console.Objects.job;
import static io.aifabric.console.Objects.member;
import static io.aifabric.console.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.aifabric.console.chain.ChainFigures;
import io.aifabric.console.chain.ChainFiguresSource;
import io.aifabric.console.chain.DepositSource;
import io.aifabric.console.chain.EscrowDeposit;
import io.aifabric.console.state.NetworkState;
import io.aifabric.console.view.BatchView;
import io.aifabric.console.view.JobEvent;
import io.aifabric.console.view.JobView;
import io.aifabric.console.view.MemberView;
import io.aifabric.console.view.NodeView;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.TemplateLocator;
import io.quarkus.qute.Variant;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The pages rendered from the real templates by a Qute engine configured as Quarkus configures it
 * for HTML (every value escaped): the right figures, and text that nodes and oracles provide
 * rendered as text.
 */
class ConsolePagesTest {
  private static final String SCRIPT = "<script>alert('pwned')</script>";
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";

  private final NetworkState state = new NetworkState();
  private final AtomicReference<ChainFigures> chain = new AtomicReference<>();
  private final Map<Long, EscrowDeposit> onChain = new java.util.HashMap<>();
  private final ConsolePages pages =
      pages(
          state,
          () -> Optional.ofNullable(chain.get()),
          id -> Optional.ofNullable(onChain.get(id)));

  @Test
  void theNetworkPageShowsWhatTheChainItselfSaysAndWhyTheLastReadFailed() {
    assertThat(pages.network().html()).contains("No chain configured");
    // Configured, never read yet: why, and no figures.
    chain.set(new ChainFigures(0, 0, "0xe7f1", null, null, 0, null, "connection refused"));
    assertThat(pages.network().html())
        .contains("not yet; the last read failed: <span id=\"chain-error\">connection refused")
        .doesNotContain("id=\"chain-id\"");

    chain.set(
        new ChainFigures(
            31337,
            1234,
            "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
            "2.5",
            "2.75",
            7,
            Instant.parse("2026-12-06T00:00:00Z"),
            null));
    String html = pages.network().html();
    assertThat(html)
        .contains("<td class=\"num\" id=\"chain-id\">31337</td>")
        .contains("<td class=\"num\" id=\"chain-block\">1234</td>")
        .contains("<td class=\"num\" id=\"chain-held\">2.5</td>")
        .contains("<td class=\"num\" id=\"chain-balance\">2.75</td>")
        .contains("<td class=\"num\" id=\"chain-settlements\">7</td>")
        .doesNotContain("chain-error");

    // An RPC endpoint's error text is not the console's: it is shown as text.
    chain.set(chain.get().failed(SCRIPT));
    assertThat(pages.network().html())
        .contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;")
        .doesNotContain(SCRIPT)
        .contains("<td class=\"num\" id=\"chain-held\">2.5</td>");
  }

  @Test
  void theNetworkPageShowsTheFiguresOfWhatTheHostHolds() {
    state.putMember(MemberView.of(member("member-a", true, H100, 3)));
    state.putNode(NodeView.of(node("member-a", "gpu-0", H100, 8, true, true)));
    state.putNode(NodeView.of(node("member-a", "gpu-1", H100, 8, false, true)));
    state.putJob(JobView.of(job("paid", JobPhase.Succeeded, "member-a", 7200, "4.8", 41L)));

    ConsolePages.Page page = pages.network();

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.html())
        .contains("<span class=\"n\" id=\"gpu-hours\">2.00</span>")
        .contains("<span class=\"n\" id=\"settled-value\">4.8</span>")
        .contains("<span class=\"n\" id=\"members-ready\">1/1</span>")
        .contains(
            "<td>"
                + H100
                + "</td><td class=\"num\">16</td><td class=\"num\">8</td><td class=\"num\">8</td>"
                + "<td class=\"num\">3</td>")
        .contains("<a href=\"/members/member-a\">member-a</a>");
  }

  @Test
  void whatANodeReportsIsRenderedAsTextNeverAsMarkup() {
    ComputeNode hostile = node("member-a", "gpu-9", SCRIPT, 8, false, false);
    hostile
        .getStatus()
        .getConditions()
        .add(condition("Slashed", true, "HardwareMismatch", "claimed " + SCRIPT));
    state.putNode(NodeView.of(hostile));

    String html = pages.node("member-a.gpu-9").html();

    assertThat(html).doesNotContain(SCRIPT).doesNotContain("<script>alert");
    assertThat(html)
        .contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;")
        .contains("claimed &lt;script&gt;");
    // The page's only scripts are the console's own files.
    assertThat(html.split("<script", -1)).hasSize(3);
  }

  @Test
  void anOraclesRefusalReasonIsRenderedAsText() {
    SettlementBatch batch = new SettlementBatch();
    batch.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("aifabric-system")
            .withName("settlement-0-3")
            .build());
    SettlementBatchStatus status = new SettlementBatchStatus();
    Attestation refusal = new Attestation();
    refusal.setRefusals(new ArrayList<>(List.of("receipt of <img src=x onerror=alert(1)>")));
    refusal.setRefusedJobs(new ArrayList<>(List.of("ml/paid")));
    Attestation signature = new Attestation();
    signature.setSignature("0x" + "ab".repeat(65));
    status.setAttestations(
        new java.util.LinkedHashMap<>(Map.of("0xoracle1", refusal, "0xoracle2", signature)));
    status.setGasUsed(81_234L);
    batch.setStatus(status);
    state.putBatch(BatchView.of(batch));

    String html = pages.batch("aifabric-system", "settlement-0-3").html();

    assertThat(html).doesNotContain("<img").contains("receipt of &lt;img src=x");
    assertThat(html).contains(">refused<").contains(">signed<");
    assertThat(html).contains("id=\"gas-used\">81234<");
  }

  @Test
  void aPendingJobSaysWhyItWaits() {
    AIJob pending = job("needs-b200", JobPhase.Pending, null, 0, null, null);
    pending
        .getStatus()
        .getConditions()
        .add(condition("Placed", false, "NoFit", "no member cluster fits: no NVIDIA-B200"));
    state.putJob(JobView.of(pending));

    String html = pages.job("ml", "needs-b200").html();

    assertThat(html)
        .contains(
            "<p class=\"waiting\" id=\"waiting\">Waiting: no member cluster fits: no NVIDIA-B200</p>");
  }

  @Test
  void aJobsTimelineInterleavesItsConditionsAndEventsInTimeOrderAsText() {
    AIJob running = job("timeline", JobPhase.Running, "member-a", 0, null, null);
    running
        .getStatus()
        .getConditions()
        .add(condition("Placed", true, "Placed", "on member-a")); // 10:00:00
    JobView view = JobView.of(running);
    state.putJob(view);
    state.putEvent(
        view.key(),
        new JobEvent(
            "e1", "Normal", "Validated", "spec accepted", 1, "2026-12-05T09:59:59Z", "op"));
    state.putEvent(
        view.key(),
        new JobEvent("e2", "Warning", "Retrying", SCRIPT, 3, "2026-12-05T10:00:05Z", "op"));

    String html = pages.job("ml", "timeline").html();

    String timeline = html.substring(html.indexOf("id=\"timeline\""));
    int validated = timeline.indexOf("Validated");
    int placed = timeline.indexOf("Placed=True");
    int retrying = timeline.indexOf("Retrying");
    assertThat(validated).isPositive().isLessThan(placed);
    assertThat(placed).isLessThan(retrying);
    assertThat(timeline).contains("Warning ×3").contains("&lt;script&gt;alert(");
    assertThat(html).doesNotContain(SCRIPT);
  }

  @Test
  void somethingTheNetworkDoesNotHaveIsA404ThatSaysSo() {
    ConsolePages.Page page = pages.node("member-a.gone");
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.html()).contains("node member-a.gone is not in the network");
  }

  @Test
  void searchLinksToWhatItFound() {
    state.putJob(JobView.of(job("llama", JobPhase.Running, "member-a", 0, null, null)));
    String html = pages.search("lla<b>").html();
    assertThat(html).contains("lla&lt;b&gt;").contains("nothing matches");
    assertThat(pages.search("llama").html()).contains("<a href=\"/jobs/ml/llama\">ml/llama</a>");
  }

  private static final String PAYER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  private static final String PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

  /** A job that pays from escrow, whose status records its deposit as the operator found it. */
  private AIJob funded(String name, long escrowJobId, String required) {
    AIJob paid = job(name, JobPhase.Running, "member-a", 0, null, null);
    io.aifabric.api.v1alpha1.aijob.Payment payment = new io.aifabric.api.v1alpha1.aijob.Payment();
    payment.setPayer(PAYER);
    payment.setEscrow(true);
    paid.getSpec().setPayment(payment);
    io.aifabric.api.v1alpha1.aijob.Funding funding = new io.aifabric.api.v1alpha1.aijob.Funding();
    funding.setDepositKey("0x" + "1f".repeat(32));
    funding.setRequired(required);
    funding.setEscrowJobId(escrowJobId);
    funding.setProvider(PROVIDER);
    funding.setDeadline("2026-12-07T00:00:00Z");
    paid.getStatus().setFunding(funding);
    state.putJob(JobView.of(paid));
    return paid;
  }

  @Test
  void aFundedJobsPageShowsItsDepositAsTheChainHoldsIt() {
    funded("paid", 4, "1.5");
    onChain.put(
        4L,
        new EscrowDeposit(
            4,
            PAYER,
            PROVIDER.toUpperCase(java.util.Locale.ROOT).replace("0X", "0x"),
            "2.5",
            Instant.parse("2026-12-07T00:00:00Z"),
            false,
            812,
            Instant.parse("2026-12-06T07:00:00Z"),
            null));

    String html = pages.job("ml", "paid").html();

    assertThat(html)
        .contains("(block 812)")
        .contains("id=\"deposit-payer\">" + PAYER + "</td>")
        .contains("id=\"deposit-amount\">2.5</td>")
        .contains("id=\"deposit-closed\">no</td>")
        .doesNotContain("differs")
        .doesNotContain("less than required");
  }

  @Test
  void whereTheChainDisagreesWithTheJobsRecordThePageSaysSo() {
    funded("underpaid", 5, "3");
    String someoneElse = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
    onChain.put(
        5L,
        new EscrowDeposit(
            5,
            someoneElse,
            someoneElse,
            "2.5",
            Instant.parse("2026-12-07T00:00:00Z"),
            true,
            813,
            Instant.parse("2026-12-06T07:00:00Z"),
            null));

    String html = pages.job("ml", "underpaid").html();

    assertThat(html)
        .contains("id=\"deposit-payer\">" + someoneElse + " <strong class=\"not\">differs</strong>")
        .contains(
            "id=\"deposit-provider\">" + someoneElse + " <strong class=\"not\">differs</strong>")
        .contains("id=\"deposit-amount\">2.5 <strong class=\"not\">less than required</strong>")
        .contains("id=\"deposit-closed\">yes</td>");
  }

  @Test
  void aRecordedRequirementThatIsNotANumberIsNotShownAsCovered() {
    funded("garbled", 8, SCRIPT);
    onChain.put(
        8L,
        new EscrowDeposit(
            8,
            PAYER,
            PROVIDER,
            "2.5",
            Instant.parse("2026-12-07T00:00:00Z"),
            false,
            814,
            Instant.parse("2026-12-06T07:00:00Z"),
            null));

    var page = pages.job("ml", "garbled");

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.html())
        .contains("id=\"deposit-amount\">2.5 <strong class=\"not\">less than required</strong>")
        .contains("at least &lt;script&gt;")
        .doesNotContain(SCRIPT);
  }

  @Test
  void aDepositTheChainDidNotAnswerForSaysWhyAsText() {
    funded("unread", 6, "1");
    onChain.put(
        6L,
        new EscrowDeposit(
            6,
            null,
            null,
            null,
            null,
            false,
            0,
            Instant.parse("2026-12-06T07:00:00Z"),
            "depositOf failed: execution reverted " + SCRIPT));

    String html = pages.job("ml", "unread").html();

    assertThat(html)
        .contains(
            "id=\"deposit-error\">The chain was not read: depositOf failed: execution reverted &lt;script&gt;")
        .doesNotContain(SCRIPT)
        .doesNotContain("differs");
  }

  @Test
  void aJobWithoutARecordedDepositAsksTheChainNothing() {
    AIJob free = job("free", JobPhase.Running, "member-a", 0, null, null);
    state.putJob(JobView.of(free));
    AIJob searching = funded("searching", 7, "1");
    searching.getStatus().getFunding().setEscrowJobId(null);
    state.putJob(JobView.of(searching));
    // A deposit the chain holds under that id: not the job's until the operator has found it.
    onChain.put(
        7L,
        new EscrowDeposit(7, PAYER, PROVIDER, "1", Instant.EPOCH, false, 9, Instant.EPOCH, null));

    assertThat(pages.job("ml", "free").html()).doesNotContain("id=\"funding\"");
    assertThat(pages.job("ml", "searching").html())
        .contains("id=\"funding\"")
        .contains("not found yet")
        .doesNotContain("(block");
  }

  /** The pages with a Qute engine set up as Quarkus sets it up for text/html templates. */
  private static ConsolePages pages(
      NetworkState state, ChainFiguresSource chain, DepositSource deposits) {
    Engine engine =
        Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML)))
            .addLocator(ConsolePagesTest::template)
            .build();
    return new ConsolePages(
        state,
        chain,
        deposits,
        engine.getTemplate("network.html"),
        engine.getTemplate("member.html"),
        engine.getTemplate("node.html"),
        engine.getTemplate("job.html"),
        engine.getTemplate("joblist.html"),
        engine.getTemplate("batch.html"),
        engine.getTemplate("search.html"),
        engine.getTemplate("missing.html"));
  }

  private static Optional<TemplateLocator.TemplateLocation> template(String id) {
    String name = id.endsWith(".html") ? id : id + ".html";
    InputStream in = ConsolePagesTest.class.getResourceAsStream("/templates/" + name);
    if (in == null) {
      return Optional.empty();
    }
    return Optional.of(
        new TemplateLocator.TemplateLocation() {
          @Override
          public Reader read() {
            return new InputStreamReader(in, StandardCharsets.UTF_8);
          }

          @Override
          public Optional<Variant> getVariant() {
            return Optional.of(Variant.forContentType(Variant.TEXT_HTML));
          }
        });
  }
}
