package io.aifabric.cli;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.protocol.DepositKey;
import io.aifabric.protocol.Hex;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Create an AIJob on the network's host from a YAML file, and, with --deposit, fund it:",
      "deposit into the escrow, from your own key, under the job's own deposit key (derived from",
      "the network, namespace, name and UID), what the operator says the job needs at most, with a",
      "deadline past the job's longest run. The job runs once the deposit is found."
    })
final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();
  @Mixin ChainOptions chain = new ChainOptions();

  @Option(
      names = {"-f", "--file"},
      required = true,
      description = "The AIJob's YAML.")
  Path file;

  @Option(names = "--deposit", description = "Fund the job from the escrow (spec.payment.escrow).")
  boolean deposit;

  @Option(names = "--provider", description = "The provider (wallet) the deposit pays.")
  String provider;

  @Option(
      names = "--payer-key",
      description = "The file with the payer's chain key (0x and 64 hex digits, owner-only).")
  Path payerKey;

  @Option(
      names = "--amount",
      description =
          "What to deposit (default: the job's worst case, status.funding.required, rounded up to"
              + " the escrow's unit).")
  BigDecimal amount;

  @Option(
      names = "--deadline-margin",
      description =
          "How long past the job's maxDuration the deposit stays (receipts, oracles, settlement;"
              + " default: ${DEFAULT-VALUE}).",
      defaultValue = "PT3H",
      converter = DurationConverter.class)
  Duration margin;

  @Option(
      names = "--network",
      description = "The network's id, part of every deposit key (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:AIFABRIC_NETWORK:-aifabric}")
  String network;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AIJob job = Serialization.unmarshal(Files.readString(file), AIJob.class);
    if (host.namespace != null) {
      job.getMetadata().setNamespace(host.namespace);
    }
    try (KubernetesClient client = host.connect();
        EscrowClient escrow = deposit ? payersEscrow(job) : null) {
      if (job.getMetadata().getNamespace() == null) {
        job.getMetadata()
            .setNamespace(client.getNamespace() == null ? "default" : client.getNamespace());
      }
      AIJob created;
      try {
        created = client.resource(job).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 422 || e.getCode() == 409) {
          throw new IllegalArgumentException(
              "the host refused the job: " + e.getStatus().getMessage());
        }
        throw e;
      }
      String id = created.getMetadata().getNamespace() + "/" + created.getMetadata().getName();
      out.printf("aijob %s created (uid %s)%n", id, created.getMetadata().getUid());
      out.flush();
      if (escrow != null) {
        fund(client, escrow, created, out);
      }
    }
    return 0;
  }

  /**
   * The escrow as the payer signs to it, checked before anything is created: the job pays from
   * escrow, names a provider, and the key is its payer's; the chain answers.
   */
  private EscrowClient payersEscrow(AIJob job) throws java.io.IOException {
    checkDepositOptions(job);
    EscrowClient escrow = chain.open(payerKey);
    String payer = job.getSpec().getPayment().getPayer();
    if (!escrow.address().equalsIgnoreCase(payer)) {
      escrow.close();
      throw new IllegalArgumentException(
          "the key in " + payerKey + " is " + escrow.address() + ", not the job's payer " + payer);
    }
    return escrow;
  }

  private void checkDepositOptions(AIJob job) {
    var payment = job.getSpec().getPayment();
    if (payment == null || !payment.paysFromEscrow()) {
      throw new IllegalArgumentException(
          "--deposit: the job does not pay from escrow (set spec.payment.escrow: true)");
    }
    if (provider == null || !provider.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("--deposit needs --provider 0x… (the wallet it pays)");
    }
  }

  private void fund(KubernetesClient client, EscrowClient escrow, AIJob job, PrintWriter out)
      throws Exception {
    var meta = job.getMetadata();
    byte[] key = DepositKey.of(network, meta.getNamespace(), meta.getName(), meta.getUid());
    BigInteger wei = wholeUnits(amount != null ? amount : required(client, job));
    Duration longest = MaxDurations.parse(job.getSpec().getMaxDuration());
    long deadline = escrow.chainTime() + longest.plus(margin).toSeconds();
    TransactionReceipt receipt = escrow.deposit(key, provider, wei, deadline);
    out.printf(
        Locale.ROOT,
        "deposited %s under key %s for provider %s, refundable after %d (chain time): escrow job"
            + " %d, transaction %s, block %s%n",
        new BigDecimal(wei).movePointLeft(18).stripTrailingZeros().toPlainString(),
        Hex.encode(key),
        provider,
        deadline,
        escrow.jobIdOf(escrow.address(), key),
        receipt.getTransactionHash(),
        receipt.getBlockNumber());
  }

  /** The operator's worst case for the job (status.funding.required), waited for a while. */
  private static BigDecimal required(KubernetesClient client, AIJob job)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      AIJob now = client.resource(job).get();
      if (now != null
          && now.getStatus() != null
          && now.getStatus().getFunding() != null
          && now.getStatus().getFunding().getRequired() != null) {
        return new BigDecimal(now.getStatus().getFunding().getRequired());
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the operator has not said what the job needs (status.funding.required) in 30 s; give"
            + " --amount");
  }

  /** Ether as wei, rounded up to whole escrow units. */
  static BigInteger wholeUnits(BigDecimal ether) {
    BigInteger wei = ether.movePointRight(18).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
    BigInteger[] units = wei.divideAndRemainder(EscrowClient.DEPOSIT_UNIT);
    return (units[1].signum() == 0 ? units[0] : units[0].add(BigInteger.ONE))
        .multiply(EscrowClient.DEPOSIT_UNIT);
  }
}
