package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The operator as the control-plane chart runs it — its ServiceAccount's credentials, leader
 * election on its Lease — on the federation. Two replicas: the standby does nothing while the
 * leader lives, takes over when the leader is SIGKILLed, and, when it dies itself at the worst
 * moment (a member Job created, the AIJob's status not yet recording it), the other takes over
 * again: every job runs exactly once and what status recorded before each takeover is still there
 * after it. And what its least privilege means for a member whose kubeconfig Secret is elsewhere.
 */
@Order(21)
class OperatorHaE2E extends FederatedE2E {
  private static final String RELEASE = "ha";
  private static final String LEASE = ControlPlaneChart.operatorAccount(RELEASE);

  @Test
  void theStandbyTakesOverFromADeadLeaderWithNoDuplicateWorkAndNoLostStatus(TestBed bed)
      throws IOException {
    Path kubeconfig = chartsOperatorInsteadOfTheFederations(bed);
    Path logs = bed.dir().resolve("operator-ha-" + System.nanoTime());
    OperatorProcess a = replica(kubeconfig, logs, "operator-a", Map.of());
    // b halts at the failpoint the first time it creates a member Job: it can reach it only by
    // leading, and it leads only once a is gone.
    OperatorProcess b =
        replica(
            kubeconfig,
            logs,
            "operator-b",
            Map.of("AIFABRIC_FAILPOINT", "after-member-job-created"));
    try {
      a.start();
      awaitLeader("operator-a");
      b.start();

      AIJob warm = Federation.exampleJob("20-aijob-inference.yaml", ns, "ha-warm");
      warm.getSpec().getEnv().add(FederationE2E.simulatedRuntime("600s"));
      AIJob running =
          federation.awaitPhase(federation.create(warm), JobPhase.Running, Duration.ofSeconds(90));
      assertThat(placed(a)).isPositive();
      assertThat(placed(b)).as("the standby placed nothing").isZero();
      assertThat(b.alive()).as("the standby never dispatched (its failpoint)").isTrue();
      assertThat(leader()).isEqualTo("operator-a");

      // The leader is killed; then work arrives: the standby takes the Lease and dispatches, and
      // halts right after creating a member Job, before the AIJob's status records it.
      a.kill();
      List<AIJob> jobs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "ha-burst-" + i);
        job.getSpec().getEnv().add(FederationE2E.simulatedRuntime("600s"));
        jobs.add(federation.create(job));
      }
      await().atMost(Duration.ofSeconds(90)).until(() -> !b.alive());
      assertThat(leader()).isEqualTo("operator-b");
      assertThat(federation.createdButNotRecorded(jobs))
          .as("member Jobs the status does not know of")
          .isNotEmpty();

      // The first replica comes back and leads again once b's Lease runs out.
      a.start();
      for (AIJob job : jobs) {
        AIJob now = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(120));
        assertThat(federation.memberJobs(now)).as(job.getMetadata().getName()).hasSize(1);
      }
      assertThat(leader()).isEqualTo("operator-a");
      AIJob warmNow = federation.get(running);
      assertThat(warmNow.getStatus().getPlacement()).isEqualTo(running.getStatus().getPlacement());
      assertThat(warmNow.getStatus().getStartTime()).isEqualTo(running.getStatus().getStartTime());
      assertThat(federation.memberJobs(warmNow)).hasSize(1);
      // The chart's RBAC was enough for everything they did (a refusal would be logged).
      for (OperatorProcess replica : List.of(a, b)) {
        assertThat(replica.logs()).doesNotContain("forbidden");
      }
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aMemberWhoseKubeconfigSecretTheOperatorMayNotReadIsToldWhereToPutIt(TestBed bed)
      throws IOException {
    Path kubeconfig = chartsOperatorInsteadOfTheFederations(bed);
    Path logs = bed.dir().resolve("operator-secrets-" + System.nanoTime());
    // A working kubeconfig of member-a, in a namespace the chart's operator may not read Secrets
    // in.
    String name = "elsewhere-" + UUID.randomUUID().toString().substring(0, 8);
    federation
        .host
        .secrets()
        .inNamespace("default")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .addToStringData("kubeconfig", Files.readString(bed.kubeconfig("member-a")))
                .build())
        .create();
    MemberCluster member = FederationE2E.memberCluster(name, name);
    member.getSpec().getKubeconfigSecretRef().setNamespace("default");
    federation.host.resource(member).create();

    // Not told the namespace: the API server refuses the read, and the member says so.
    try (OperatorProcess operator =
        federation.operator.replica(
            kubeconfig, logs.resolve("untold"), Map.of("AIFABRIC_INSTANCE_NAME", "untold"))) {
      operator.start();
      var ready = awaitForbidden(name, "(HTTP 403)");
      assertThat(ready.getMessage())
          .isEqualTo(
              "the operator may not read Secret default/"
                  + name
                  + " (HTTP 403): keep members' kubeconfig Secrets in the namespace its RBAC lets"
                  + " it read (the control-plane chart's operator.memberSecretsNamespace)");
    }
    // Told it, as the chart tells it: refused before any read, with the namespace to use.
    try (OperatorProcess operator =
        federation.operator.replica(
            kubeconfig,
            logs.resolve("told"),
            Map.of(
                "AIFABRIC_INSTANCE_NAME",
                "told",
                "AIFABRIC_MEMBER_SECRETS_NAMESPACE",
                Federation.SECRETS_NAMESPACE))) {
      operator.start();
      var ready = awaitForbidden(name, "is outside " + Federation.SECRETS_NAMESPACE);
      assertThat(ready.getMessage())
          .isEqualTo(
              "Secret default/"
                  + name
                  + " is outside "
                  + Federation.SECRETS_NAMESPACE
                  + ", the one namespace this operator reads members' kubeconfigs in: create it"
                  + " there and name it in spec.kubeconfigSecretRef");
      assertThat(operator.logs()).doesNotContain("forbidden");
      // The members whose Secrets are where they belong are unaffected.
      assertThat(
              Federation.condition(federation.member("member-a"), "Ready")
                  .orElseThrow()
                  .getStatus())
          .isEqualTo("True");
      federation.host.resource(member).delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> federation.host.resources(MemberCluster.class).withName(name).get() == null);
    }
  }

  /**
   * The federation's own operator (admin credentials, no election) makes way for the chart's: the
   * chart installed over the federation's API; returns its operator ServiceAccount's kubeconfig.
   */
  private static Path chartsOperatorInsteadOfTheFederations(TestBed bed) {
    federation.operator.close();
    return new ControlPlaneChart(bed, Federation.SECRETS_NAMESPACE)
        .overTheInstalledApi()
        .install(RELEASE)
        .operatorKubeconfig(RELEASE);
  }

  /** Waits until the member is Ready=False/KubeconfigSecretForbidden with {@code message} in it. */
  private static Condition awaitForbidden(String member, String message) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> Federation.condition(federation.member(member), "Ready").orElse(null),
            c ->
                c != null
                    && "False".equals(c.getStatus())
                    && "KubeconfigSecretForbidden".equals(c.getReason())
                    && c.getMessage().contains(message));
  }

  private static OperatorProcess replica(
      Path kubeconfig, Path logs, String name, Map<String, String> more) {
    Map<String, String> settings = new HashMap<>(more);
    settings.put("AIFABRIC_INSTANCE_NAME", name);
    settings.put("AIFABRIC_LEADER_ELECTION_ENABLED", "true");
    settings.put("AIFABRIC_LEADER_ELECTION_NAMESPACE", Federation.SECRETS_NAMESPACE);
    settings.put("AIFABRIC_LEADER_ELECTION_LEASE_NAME", LEASE);
    settings.put("AIFABRIC_LEADER_ELECTION_LEASE_DURATION", "10s");
    settings.put("AIFABRIC_LEADER_ELECTION_RENEW_DEADLINE", "8s");
    settings.put("AIFABRIC_LEADER_ELECTION_RETRY_PERIOD", "1s");
    return federation.operator.replica(kubeconfig, logs.resolve(name), settings);
  }

  private static double placed(OperatorProcess operator) throws IOException {
    return PrometheusText.sample(
        operator.metrics(), "aifabric_placements_total{result=\"placed\"}");
  }

  private static String leader() {
    Lease lease =
        federation.host.leases().inNamespace(Federation.SECRETS_NAMESPACE).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void awaitLeader(String identity) {
    await().atMost(Duration.ofSeconds(60)).until(() -> identity.equals(leader()));
  }
}
