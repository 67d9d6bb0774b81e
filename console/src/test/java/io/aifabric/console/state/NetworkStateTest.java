package io.aifabric.console.state;

import static io.aifabric.console.Objects.job;
import static io.aifabric.console.Objects.member;
import static io.aifabric.console.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.console.view.JobEvent;
import io.aifabric.console.view.JobView;
import io.aifabric.console.view.MemberView;
import io.aifabric.console.view.ModelGpus;
import io.aifabric.console.view.NetworkSummary;
import io.aifabric.console.view.NodeView;
import io.aifabric.console.view.SearchHit;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkStateTest {
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";
  private static final String L4 = "NVIDIA-L4";

  @Test
  void theNetworkFiguresCountGpusByVerdictAndJobsByPhaseAndSettledValue() {
    NetworkState state = new NetworkState();
    state.putMember(MemberView.of(member("a", true, H100, 5)));
    state.putMember(MemberView.of(member("b", false, L4, 0)));
    state.putNode(NodeView.of(node("a", "gpu-0", H100, 8, true, true)));
    state.putNode(NodeView.of(node("a", "gpu-1", H100, 8, true, false)));
    state.putNode(NodeView.of(node("a", "gpu-2", H100, 8, false, true)));
    state.putNode(NodeView.of(node("b", "gpu-0", L4, 4, false, false)));
    state.putJob(JobView.of(job("one", JobPhase.Succeeded, "a", 5400, "1.25", 40L)));
    state.putJob(JobView.of(job("two", JobPhase.Succeeded, "a", 1800, "0.5", null)));
    state.putJob(JobView.of(job("three", JobPhase.Pending, null, 0, null, null)));

    NetworkSummary s = state.summary();

    assertThat(s.gpusByModel())
        .containsExactly(new ModelGpus(H100, 24, 16, 8, 5), new ModelGpus(L4, 4, 0, 0, 0));
    assertThat(s.membersReady()).isEqualTo(1);
    assertThat(s.members()).isEqualTo(2);
    assertThat(s.jobsByPhase()).containsEntry("Succeeded", 2).containsEntry("Pending", 1);
    assertThat(s.gpuHoursServed()).isEqualTo("2.00");
    // Only what was settled on chain counts as settled value.
    assertThat(s.settledValue()).isEqualTo("1.25");
    assertThat(s.settledJobs()).isEqualTo(1);
  }

  @Test
  void theFiguresAreComputedOncePerChangeNotPerRead() {
    NetworkState state = new NetworkState();
    state.putNode(NodeView.of(node("a", "gpu-0", H100, 8, true, true)));
    NetworkSummary first = state.summary();
    assertThat(state.summary()).isSameAs(first);

    state.putNode(NodeView.of(node("a", "gpu-1", H100, 8, true, true)));
    assertThat(state.summary()).isNotSameAs(first);
    assertThat(state.summary().gpusByModel().get(0).total()).isEqualTo(16);
  }

  @Test
  void everyChangeMovesTheVersion() {
    NetworkState state = new NetworkState();
    long before = state.version();
    state.putJob(JobView.of(job("one", JobPhase.Pending, null, 0, null, null)));
    long added = state.version();
    state.removeJob("ml/one");
    assertThat(added).isGreaterThan(before);
    assertThat(state.version()).isGreaterThan(added);
    assertThat(state.job("ml", "one")).isEmpty();
  }

  @Test
  void aJobKeepsItsNewestEventsEachOnceAsLastReported() {
    NetworkState state = new NetworkState();
    JobView job = JobView.of(job("one", JobPhase.Running, null, 0, null, null));
    state.putJob(job);
    for (int i = 0; i < NetworkState.EVENTS_PER_JOB + 5; i++) {
      state.putEvent(job.key(), event("uid-" + i, "Normal", "Step" + i, 1, at(i)));
    }
    // The same Event again, counted twice now (Kubernetes updates it rather than adding one).
    state.putEvent(job.key(), event("uid-24", "Warning", "Step24", 2, at(30)));

    List<JobEvent> kept = state.eventsOf(job);

    assertThat(kept).hasSize(NetworkState.EVENTS_PER_JOB);
    assertThat(kept.get(0).reason()).isEqualTo("Step5");
    assertThat(kept.get(kept.size() - 1))
        .isEqualTo(event("uid-24", "Warning", "Step24", 2, at(30)));
    assertThat(kept).extracting(JobEvent::uid).doesNotHaveDuplicates();

    state.removeEvent(job.key(), "uid-24");
    assertThat(state.eventsOf(job)).extracting(JobEvent::uid).doesNotContain("uid-24");
  }

  @Test
  void eventsAboutJobsItDoesNotKnowAreNotKeptAndGoWithTheirJob() {
    NetworkState state = new NetworkState();
    JobView job = JobView.of(job("one", JobPhase.Running, null, 0, null, null));
    // A flood of Events about jobs that do not exist (anyone who may create Events can send it).
    for (int i = 0; i < 1000; i++) {
      state.putEvent("ml/ghost-" + i, event("ghost-" + i, "Normal", "Fake", 1, at(0)));
    }
    state.putJob(job);
    state.putEvent(job.key(), event("real", "Normal", "Placed", 1, at(1)));

    assertThat(state.eventsOf(JobView.of(job("ghost-1", JobPhase.Running, null, 0, null, null))))
        .isEmpty();
    assertThat(state.eventsOf(job)).extracting(JobEvent::uid).containsExactly("real");

    state.removeJob(job.key());
    state.putJob(job); // the same name again: a new job, none of the old one's Events
    assertThat(state.eventsOf(job)).isEmpty();
  }

  @Test
  void anOversizedEventIsCut() {
    String huge = "x".repeat(1 << 20);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withUid("big")
            .withCreationTimestamp(at(0))
            .endMetadata()
            .withNewInvolvedObject()
            .withKind("AIJob")
            .withNamespace("ml")
            .withName("one")
            .endInvolvedObject()
            .withType("Warning")
            .withReason(huge)
            .withMessage(huge)
            .build();

    JobEvent kept = JobEvent.of(event);

    assertThat(kept.message()).hasSize(1025).endsWith("…");
    assertThat(kept.reason()).hasSize(1025);
    assertThat(kept.at()).isEqualTo(at(0));
    assertThat(JobEvent.jobKey(event)).isEqualTo("ml/one");
  }

  private static JobEvent event(String uid, String type, String reason, int count, String at) {
    return new JobEvent(uid, type, reason, "message of " + reason, count, at, "aifabric-operator");
  }

  private static String at(int second) {
    return String.format("2026-12-05T10:00:%02dZ", second);
  }

  @Test
  void searchFindsJobsNodesAndBatchesByNameAddressOrTransaction() {
    NetworkState state = new NetworkState();
    NodeView node = NodeView.of(node("a", "gpu-7", H100, 8, true, true));
    state.putNode(node);
    state.putJob(JobView.of(job("llama", JobPhase.Succeeded, "a", 60, "0.1", 41L)));

    assertThat(state.search("LLAMA"))
        .extracting(SearchHit::kind, SearchHit::path)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("job", "/jobs/ml/llama"));
    assertThat(state.search(node.address().substring(2, 10)))
        .extracting(SearchHit::kind, SearchHit::label)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("node", "a.gpu-7"));
    assertThat(state.search("0xabc41")).extracting(SearchHit::label).containsExactly("ml/llama");
    assertThat(state.search("nothing-like-this")).isEmpty();
    assertThat(state.search("  ")).isEmpty();
  }

  @Test
  void aNodesJobsAreThoseWhosePlacementNamesIt() {
    NetworkState state = new NetworkState();
    NodeView node = NodeView.of(node("a", "gpu-0", H100, 8, true, true));
    state.putNode(node);
    state.putJob(JobView.of(job("here", JobPhase.Running, "a", 0, null, null)));
    state.putJob(JobView.of(job("elsewhere", JobPhase.Running, "b", 0, null, null)));
    assertThat(state.jobsOn(node)).extracting(JobView::name).containsExactly("here");
  }
}
