package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberMode;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.api.v1alpha1.memberwork.MemberWork;
import io.aifabric.api.v1alpha1.memberwork.MemberWorkStatus;
import io.aifabric.api.v1alpha1.memberwork.ReportedJobCondition;
import io.aifabric.api.v1alpha1.memberwork.ReportedPod;
import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.aifabric.api.v1alpha1.nodereport.NodeReportStatus;
import io.aifabric.contract.NodeLabels;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.protocol.seal.SealedOutputObjects;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.MemberAgentProcess;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.SealingSidecars;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A pull member joins: the host holds no credential for it; a host admin mints a join token with
 * the CLI; the member's agent trades it for an identity of its own that reaches its namespace on
 * the host and nothing else; the join token then works no more. Run by the control-plane chart's
 * operator, with the chart's RBAC and admission policy. Each refusal is the attack performed.
 */
@Order(22)
class PullMemberE2E extends FederatedE2E {
  private static final String RELEASE = "pull";
  private static OperatorProcess operator;

  @BeforeAll
  static void chartsOperator(TestBed bed) {
    operator =
        PullMembers.chartOperator(
            bed,
            federation,
            RELEASE,
            // Long enough for an agent halted by a failpoint to be started again unnoticed.
            Map.of("AIFABRIC_MEMBER_GRACE_PERIOD", "20s"));
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void anAgentJoinsOnceWithAJoinTokenAndItsIdentityReachesItsOwnNamespaceOnly(TestBed bed)
      throws Exception {
    String agentToken;
    String name = pullMember();
    String other = pullMember();
    String ns = PullMember.namespace(name);

    // Its place on the host: a namespace of its own, owned by the MemberCluster; not Ready (no
    // work transport yet), waiting for its agent. The host holds no credential for it.
    Condition joined = awaitCondition(name, "Joined", "False");
    assertThat(joined.getReason()).isEqualTo("AwaitingAgent");
    assertThat(joined.getMessage()).contains("aifabric join-token " + name);
    Namespace namespace = federation.host.namespaces().withName(ns).get();
    assertThat(namespace.getMetadata().getLabels()).containsEntry(PullMember.MEMBER_LABEL, name);
    assertThat(namespace.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(name));
    assertThat(federation.member(name).getSpec().getKubeconfigSecretRef()).isNull();
    assertThat(federation.host.secrets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(Federation.condition(federation.member(name), "Ready").orElseThrow().getReason())
        .isEqualTo("AwaitingAgent");

    // A host admin mints a join token for the provider.
    Path join = bed.dir().resolve("join-" + name + ".kubeconfig");
    CommandResult minted = PullMembers.joinToken(bed, name, join, "--ttl", "15m");
    assertThat(minted.exitCode()).as(minted.stderr()).isZero();
    assertThat(minted.stdout()).contains("works once");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(join)))
        .isEqualTo("rw-------");

    try (KubernetesClient joiner = client(join, null)) {
      // The joiner may mint the agent's token, and nothing else.
      forbidden(() -> joiner.secrets().inNamespace(ns).list());
      forbidden(() -> joiner.resources(AIJob.class).inAnyNamespace().list());
      forbidden(() -> joiner.resources(MemberCluster.class).list());
      forbidden(() -> token(joiner, ns, PullMember.JOINER)); // renew itself past its expiry
      forbidden(() -> token(joiner, ns, "default"));
      forbidden(() -> token(joiner, PullMember.namespace(other), PullMember.AGENT));
      forbidden(() -> joiner.leases().inNamespace(ns).resource(lease(ns)).create());

      agentToken = token(joiner, ns, PullMember.AGENT);
      try (KubernetesClient agent = client(join, agentToken)) {
        // The agent: its own Lease and its own token, nothing of anyone else's.
        forbidden(() -> agent.secrets().inNamespace(ns).list());
        forbidden(() -> agent.resources(AIJob.class).inAnyNamespace().list());
        forbidden(() -> agent.resources(MemberCluster.class).withName(name).get());
        forbidden(() -> token(agent, ns, PullMember.JOINER)); // mint join tokens for others
        forbidden(
            () ->
                agent
                    .leases()
                    .inNamespace(PullMember.namespace(other))
                    .resource(lease(PullMember.namespace(other)))
                    .create());
        // It reports its own nodes, into its own namespace only: the member a report is for is
        // the namespace it is in.
        forbidden(
            () ->
                agent
                    .resources(NodeReport.class)
                    .inNamespace(PullMember.namespace(other))
                    .resource(nodeReport(PullMember.namespace(other)))
                    .create());
        // Nor can it vouch for its own nodes: what the network says of a node is the report's
        // status, which only the operator writes.
        NodeReport own = agent.resources(NodeReport.class).resource(nodeReport(ns)).create();
        own.setStatus(new NodeReportStatus());
        own.getStatus().getLabels().put("aifabric.io/verified", "true");
        forbidden(() -> agent.resources(NodeReport.class).resource(own).patchStatus());
        assertThat(token(agent, ns, PullMember.AGENT)).isNotBlank(); // renews its own

        agent.leases().inNamespace(ns).resource(lease(ns)).create();
      }

      // Joined: the joiner is gone, and with it every join token.
      awaitCondition(name, "Joined", "True");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  federation
                          .host
                          .serviceAccounts()
                          .inNamespace(ns)
                          .withName(PullMember.JOINER)
                          .get()
                      == null);
      // Its binding went first (403 at once); the API server's token cache may still know the
      // token for a few seconds, then it is not a token at all (401). It never works again.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> refusal(() -> token(joiner, ns, PullMember.AGENT)), code -> code == 401);
    }
    // A second join token cannot be had once joined.
    CommandResult again =
        PullMembers.joinToken(bed, name, bed.dir().resolve("join-again.kubeconfig"));
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.stderr()).contains("its agent has joined already");
    // Reachable while the agent renews its Lease; not once it stops (past the grace period),
    // even if its last write claims a renewal a day ahead: its clock is not the host's.
    try (KubernetesClient agent = client(join, agentToken)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                renew(agent, ns, ZonedDateTime.now());
                return Federation.condition(federation.member(name), "Reachable").orElseThrow();
              },
              c -> "True".equals(c.getStatus()) && "LeaseRenewed".equals(c.getReason()));
      renew(agent, ns, ZonedDateTime.now().plusDays(1));
    }
    awaitCondition(name, "Reachable", "False");
    assertThat(Federation.condition(federation.member(name), "Reachable").orElseThrow().getReason())
        .isEqualTo("LeaseExpired");
    // The member leaves: its namespace, identities and Lease go with it (the garbage collector,
    // through the owner reference; the operator may not delete namespaces).
    federation.host.resources(MemberCluster.class).withName(name).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              Namespace gone = federation.host.namespaces().withName(ns).get();
              return gone == null || gone.getMetadata().getDeletionTimestamp() != null;
            });
    // The chart's RBAC and admission policy let the operator do all of that.
    assertThat(operator.logs()).doesNotContain("forbidden");
  }

  @Test
  void theMembersAgentJoinsReportsItsGpuNodesIsLostWhenItStopsAndComesBackWithItsOwnIdentity(
      TestBed bed) throws Exception {
    String name = pullMember();
    String ns = PullMember.namespace(name);
    awaitCondition(name, "Joined", "False");
    // The agent runs in member-b (as the provider's cluster; the host holds no credential for
    // this member) and keeps its host identity in a namespace of its own there.
    Map<String, String> first = PullMembers.firstStart(bed, name);
    String agentNs = first.get("AIFABRIC_MEMBER_AGENT_NAMESPACE");
    KubernetesClient memberB = bed.client("member-b");
    Map<String, Integer> gpus = new java.util.TreeMap<>();
    for (var node : memberB.nodes().list().getItems()) {
      var capacity = node.getStatus().getCapacity();
      if (capacity != null && capacity.containsKey("nvidia.com/gpu")) {
        gpus.put(
            node.getMetadata().getName(),
            capacity.get("nvidia.com/gpu").getNumericalAmount().intValue());
      }
    }
    assertThat(gpus).isNotEmpty();
    Path logs = bed.dir().resolve("member-agent-" + name);
    String cordoned = gpus.keySet().iterator().next();
    try (MemberAgentProcess agent =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed), logs.resolve("first.log"), first)) {
      awaitCondition(name, "Joined", "True");
      awaitCondition(name, "Reachable", "True");
      // Its GPU nodes, as the agent reports them, become the member's ComputeNodes with their
      // capacity, as a push member's probe would make them.
      MemberCluster reported =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> federation.member(name),
                  m ->
                      m.getStatus() != null
                          && Integer.valueOf(gpus.size()).equals(m.getStatus().getGpuNodeCount())
                          && m.getStatus().getKubernetesVersion() != null);
      assertThat(reported.getStatus().getGpuTotal())
          .isEqualTo(gpus.values().stream().mapToInt(Integer::intValue).sum());
      assertThat(reported.getStatus().getKubernetesVersion())
          .isEqualTo(memberB.getKubernetesVersion().getGitVersion());
      assertThat(reported.getStatus().getNodeCount())
          .isEqualTo(memberB.nodes().list().getItems().size());
      assertThat(computeNodes(name).stream().map(c -> c.getSpec().getNodeName()).sorted())
          .containsExactlyElementsOf(gpus.keySet());
      assertThat(Federation.condition(federation.member(name), "Ready").orElseThrow().getReason())
          .isEqualTo("AgentReporting");
      // The agent holds its identity in its own cluster; the host holds none for the member.
      assertThat(memberB.secrets().inNamespace(agentNs).withName(AGENT_SECRET).get()).isNotNull();
      assertThat(federation.host.secrets().inNamespace(ns).list().getItems()).isEmpty();
      // A change in the member reaches the host through the agent's watch: a cordoned node.
      memberB.nodes().withName(cordoned).edit(n -> cordon(n, true));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> computeNode(name, cordoned),
              c -> "NodeCordoned".equals(condition(c, "Schedulable").getReason()));
      agent.kill();
    } finally {
      memberB.nodes().withName(cordoned).edit(n -> cordon(n, false));
    }
    // No renewals: past the grace period the member is lost, as a push member that stops
    // answering, and its ComputeNodes are not Available.
    Condition lost = awaitCondition(name, "Reachable", "False");
    assertThat(lost.getReason()).isEqualTo("LeaseExpired");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(computeNodes(name))
                    .allSatisfy(
                        c -> assertThat(condition(c, "Available").getStatus()).isEqualTo("False")));
    // Back, without a join token (it worked once): the agent carries on with the identity it
    // stored, and the uncordoned node is schedulable again.
    try (MemberAgentProcess again =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed),
            logs.resolve("again.log"),
            PullMembers.restart(first))) {
      awaitCondition(name, "Reachable", "True");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(computeNodes(name))
                      .hasSize(gpus.size())
                      .allSatisfy(
                          c -> {
                            assertThat(condition(c, "Available").getStatus()).isEqualTo("True");
                            assertThat(condition(c, "Schedulable").getStatus()).isEqualTo("True");
                          }));
      assertThat(Files.readString(again.log())).doesNotContain("join token");
    }
    federation.host.resources(MemberCluster.class).withName(name).delete();
  }

  /**
   * An agent off longer than its token lives, or whose token may have leaked, joins again: a host
   * admin revokes its identity with {@code aifabric join-token --rejoin} (the old token is refused
   * at once, even by a running agent, which exits to join again), the member is lost until the
   * agent is back, an agent with only its stored identity says what it needs, and the new join
   * token brings it back — once.
   */
  @Test
  void aRevokedAgentJoinsAgainWithANewJoinTokenAndItsOldTokenDies(TestBed bed) throws Exception {
    String name = PullMembers.cheapPullMember(federation);
    String ns = PullMember.namespace(name);
    Map<String, String> first = PullMembers.firstStart(bed, name);
    Path logs = bed.dir().resolve("member-agent-" + name);
    Path rejoin = bed.dir().resolve("rejoin-" + name + ".kubeconfig");
    String oldToken;
    try (MemberAgentProcess agent =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed), logs.resolve("first.log"), first)) {
      awaitCondition(name, "Ready", "True");
      oldToken = storedToken(bed);
      // Joined: a plain join token is not to be had, and the refusal says how to join again.
      CommandResult plain =
          PullMembers.joinToken(bed, name, bed.dir().resolve("plain-" + name + ".kubeconfig"));
      assertThat(plain.exitCode()).isNotZero();
      assertThat(plain.stderr()).contains("its agent has joined already").contains("--rejoin");

      CommandResult revoked = PullMembers.joinToken(bed, name, rejoin, "--rejoin");
      assertThat(revoked.exitCode()).as(revoked.stderr()).isZero();
      assertThat(revoked.stdout()).contains("revoked the identity").contains("works once");
      // The running agent finds its identity refused and exits, to join again on its restart.
      assertThat(agent.awaitExit(Duration.ofSeconds(60))).as("the agent exited").isTrue();
      assertThat(Files.readString(agent.log()))
          .contains("the host no longer takes this agent's identity (HTTP 401)");
    }
    // The old identity's token is no token at all any more (its ServiceAccount is gone).
    try (KubernetesClient old = client(rejoin, oldToken)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> refusal(() -> old.leases().inNamespace(ns).withName(PullMember.AGENT).get()),
              code -> code == 401);
    }
    assertThat(awaitCondition(name, "Joined", "False").getReason()).isEqualTo("AwaitingAgent");
    assertThat(Federation.condition(federation.member(name), "Ready").orElseThrow().getStatus())
        .isEqualTo("False");
    assertThat(federation.eventReasons(federation.member(name))).contains("MemberLost");

    // Restarted with only its stored identity, the agent does not start, and says what it needs.
    assertThatThrownBy(
            () ->
                MemberAgentProcess.start(
                    PullMembers.agentKubeconfig(bed),
                    logs.resolve("stored-only.log"),
                    PullMembers.restart(first)))
        .hasMessageContaining("the host no longer takes the stored token (HTTP 401)")
        .hasMessageContaining("with --rejoin if this agent had joined before");

    // With the new join token it joins again, with a new identity, and the member is Ready.
    Map<String, String> again = PullMembers.restart(first);
    again.put(PullMembers.JOIN_KUBECONFIG, rejoin.toString());
    try (MemberAgentProcess back =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed), logs.resolve("again.log"), again)) {
      awaitCondition(name, "Ready", "True");
      assertThat(awaitCondition(name, "Joined", "True").getReason()).isEqualTo("AgentJoined");
      assertThat(storedToken(bed)).isNotEqualTo(oldToken);
      assertThat(Files.readString(back.log())).contains("joined the host with the join token");
      // The re-join token worked once: its joiner is gone again.
      try (KubernetesClient joiner = client(rejoin, null)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> refusal(() -> token(joiner, ns, PullMember.AGENT)), code -> code == 401);
      }
    }
    federation.host.resources(MemberCluster.class).withName(name).delete();
  }

  /**
   * A pull member's agent is the provider's: one that reports its job began before the AIJob
   * existed and ended years from now cannot stretch the job's recorded run — the host holds those
   * times to when it created the job and when it read the report — and with it the GPU time the
   * nodes' receipts may claim (the oracles' audit caps each receipt by that run).
   */
  @Test
  void anAgentThatReportsAStretchedRunCannotStretchTheJobsRecordedRun(TestBed bed)
      throws Exception {
    String name = PullMembers.cheapPullMember(federation);
    String ns = PullMember.namespace(name);
    Map<String, String> first = PullMembers.firstStart(bed, name);
    Path join = Path.of(first.get(PullMembers.JOIN_KUBECONFIG));
    Path logs = bed.dir().resolve("member-agent-" + name);
    AIJob job = runningWhenItsAgentDies(bed, name, first, logs.resolve("honest.log"), "stretched");
    // Its identity, in the provider's hands: the work's status says the job ran from 2000 to 2030.
    Instant created = Instant.parse(job.getMetadata().getCreationTimestamp());
    MemberWork work = memberWork(name, job);
    MemberWorkStatus forged = Serialization.clone(work.getStatus());
    forged.setJobConditions(
        List.of(new ReportedJobCondition("Complete", "True", "CompletionsReached", null)));
    forged.setCompletionTime("2030-01-01T00:00:00Z");
    for (ReportedPod pod : forged.getPods()) {
      pod.setPhase("Succeeded");
      pod.setStartTime("2000-01-01T00:00:00Z");
      pod.setFinishedAt("2030-01-01T00:00:00Z");
    }
    work.setStatus(forged);
    try (KubernetesClient asAgent = client(join, storedToken(bed))) {
      asAgent.resources(MemberWork.class).inNamespace(ns).resource(work).updateStatus();
    }
    AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    Instant seen = Instant.now();
    Instant start = Instant.parse(done.getStatus().getStartTime());
    Instant end = Instant.parse(done.getStatus().getEndTime());
    assertThat(start).isAfterOrEqualTo(created).isBefore(seen);
    assertThat(end).isAfter(start).isBeforeOrEqualTo(seen);
    int gpus = done.getSpec().getResources().getGpusPerReplica();
    assertThat(done.getStatus().getGpuSeconds())
        .isPositive()
        .isLessThanOrEqualTo(Duration.between(start, end).toSeconds() * gpus);

    // The real agent, back, removes the work once the job is deleted.
    try (MemberAgentProcess again =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed),
            logs.resolve("again.log"),
            PullMembers.restart(first))) {
      federation.host.resource(done).delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  memberJobs(bed.client("member-b"), job.getMetadata().getUid()).isEmpty()
                      && memberWorkOrNull(name, job) == null);
    }
    federation.host.resources(MemberCluster.class).withName(name).delete();
  }

  /**
   * A long job (600 s) running on the pull member through its agent, which is then killed (SIGKILL:
   * no last report, no goodbye) while the job runs in member-b.
   */
  private static AIJob runningWhenItsAgentDies(
      TestBed bed, String member, Map<String, String> settings, Path log, String jobName)
      throws Exception {
    try (MemberAgentProcess agent =
        MemberAgentProcess.start(PullMembers.agentKubeconfig(bed), log, settings)) {
      awaitCondition(member, "Ready", "True");
      AIJob job =
          federation.create(
              PullMembers.inEuWest(
                  Federation.exampleJob("20-aijob-inference.yaml", ns, jobName), "600s"));
      AIJob running = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(60));
      assertThat(running.getStatus().getPlacement().getCluster()).isEqualTo(member);
      agent.kill();
      return job;
    }
  }

  /** The host token the agent in member-b keeps in its credential Secret. */
  private static String storedToken(TestBed bed) {
    io.fabric8.kubernetes.api.model.Secret held =
        bed.client("member-b")
            .secrets()
            .inNamespace(MemberChart.PULL_NAMESPACE)
            .withName(MemberChart.PULL_CREDENTIALS)
            .get();
    return new String(
        java.util.Base64.getDecoder().decode(held.getData().get("token")),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aJobOnAPullMemberRunsThroughItsAgentAndAnAgentKilledMidApplyCreatesNothingTwice(TestBed bed)
      throws Exception {
    String name = PullMembers.cheapPullMember(federation);
    KubernetesClient memberB = bed.client("member-b");
    Map<String, String> first = PullMembers.firstStart(bed, name);
    Path logs = bed.dir().resolve("member-agent-" + name);
    AIJob job;
    try (MemberAgentProcess agent =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed),
            logs.resolve("failpoint.log"),
            with(first, "AIFABRIC_MEMBER_AGENT_FAILPOINT", "after-job-created"))) {
      awaitCondition(name, "Ready", "True");
      job =
          federation.create(
              PullMembers.inEuWest(
                  Federation.exampleJob("20-aijob-inference.yaml", ns, "pulled"), "5s"));
      // The agent halts right after creating the member Job, before it says so on the host.
      assertThat(agent.awaitExit(Duration.ofSeconds(60)))
          .as("the failpoint halted the agent")
          .isTrue();
    }
    String uid = job.getMetadata().getUid();
    assertThat(memberJobs(memberB, uid)).hasSize(1);
    MemberWork work = memberWork(name, job);
    assertThat(work.getStatus() == null || work.getStatus().getConditions().isEmpty()).isTrue();
    assertThat(Federation.condition(federation.get(job), "Dispatched").orElseThrow().getReason())
        .isEqualTo("AwaitingAgent");

    // Restarted (with the identity it stored: the join token worked once), it applies the same
    // work again: the Job exists under its name, nothing is created twice; the job runs and its
    // status comes back through the work.
    try (MemberAgentProcess again =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed),
            logs.resolve("again.log"),
            PullMembers.restart(first))) {
      AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(90));
      assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo(name);
      assertThat(done.getStatus().getPlacement().getGpuModel())
          .isEqualTo("NVIDIA-GeForce-RTX-4090");
      assertThat(done.getStatus().getPlacement().getNodes())
          .singleElement()
          .satisfies(n -> assertThat(n).startsWith("gpu-rtx4090-"));
      assertThat(done.getStatus().getGpuSeconds()).isPositive();
      assertThat(done.getStatus().getStartTime()).isNotNull();
      assertThat(federation.eventReasons(done)).contains("Placed", "Dispatched", "Succeeded");
      assertThat(memberJobs(memberB, uid)).hasSize(1);
      assertThat(
              Conditions.isTrue(
                  memberWork(name, job).getStatus().getConditions(), MemberWork.APPLIED))
          .isTrue();
      // The host holds no credential for the member, before or after.
      assertThat(federation.member(name).getSpec().getKubeconfigSecretRef()).isNull();
      assertThat(
              federation.host.secrets().inNamespace(PullMember.namespace(name)).list().getItems())
          .isEmpty();
      // Deleting the AIJob withdraws its work; the agent removes it from the member.
      federation.host.resource(done).delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> memberJobs(memberB, uid).isEmpty() && memberWorkOrNull(name, job) == null);
    }
    federation.host.resources(MemberCluster.class).withName(name).delete();
  }

  @Test
  void aPullMembersJobMovesWhenItsAgentStopsAndItsStaleCopyGoesBeforeTheMemberIsReadyAgain(
      TestBed bed) throws Exception {
    String name = PullMembers.cheapPullMember(federation);
    KubernetesClient memberB = bed.client("member-b");
    Map<String, String> first = PullMembers.firstStart(bed, name);
    Path logs = bed.dir().resolve("member-agent-" + name);
    AIJob job = runningWhenItsAgentDies(bed, name, first, logs.resolve("first.log"), "moves");
    String uid = job.getMetadata().getUid();
    // Past the grace period it is placed again, on the push member of its region.
    AIJob moved =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () -> federation.get(job),
                j ->
                    j.getStatus().getPlacement() != null
                        && "member-a".equals(j.getStatus().getPlacement().getCluster())
                        && j.getStatus().getPhase() == JobPhase.Running);
    assertThat(federation.eventReasons(moved)).contains("ClusterLost");
    // Its work is withdrawn on the host; the stale copy still runs in the member, whose agent is
    // down, and the member is not Ready.
    assertThat(memberWork(name, job).getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(memberJobs(memberB, uid)).hasSize(1);
    assertThat(Federation.condition(federation.member(name), "Ready").orElseThrow().getStatus())
        .isEqualTo("False");

    // Back: the agent removes the stale copy before it renews its Lease, so the member is Ready
    // again only without it.
    try (MemberAgentProcess again =
        MemberAgentProcess.start(
            PullMembers.agentKubeconfig(bed),
            logs.resolve("again.log"),
            PullMembers.restart(first))) {
      awaitCondition(name, "Ready", "True");
      assertThat(memberJobs(memberB, uid)).isEmpty();
      assertThat(memberWorkOrNull(name, job)).isNull();
      assertThat(Files.readString(again.log())).contains("removed 1 stale Jobs from the member");
    }
    assertThat(federation.get(job).getStatus().getPlacement().getCluster()).isEqualTo("member-a");
    federation.host.resource(federation.get(job)).delete();
    federation.host.resources(MemberCluster.class).withName(name).delete();
  }

  @Test
  void theOperatorWritesIdentitiesOnlyInPullMembersNamespaces(TestBed bed) throws Exception {
    Path kubeconfig =
        new ControlPlaneChart(bed, Federation.SECRETS_NAMESPACE).operatorKubeconfig(RELEASE);
    try (KubernetesClient asOperator = client(kubeconfig, null)) {
      // RBAC lets it write ServiceAccounts anywhere; the chart's admission policy does not.
      KubernetesClientException refused =
          (KubernetesClientException)
              org.assertj.core.api.Assertions.catchThrowable(
                  () ->
                      asOperator
                          .serviceAccounts()
                          .inNamespace("kube-system")
                          .resource(
                              new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                                  .withNewMetadata()
                                  .withName("planted")
                                  .withNamespace("kube-system")
                                  .endMetadata()
                                  .build())
                          .create());
      assertThat(refused.getCode()).isEqualTo(403);
      assertThat(refused.getMessage())
          .contains("writes namespaces, ServiceAccounts and RoleBindings only in pull members'");
      // And it may bind only the two pull ClusterRoles: cluster-admin is refused.
      assertThat(
              bed.canI(
                  TestBed.HOST,
                  Federation.SECRETS_NAMESPACE + ":" + ControlPlaneChart.operatorAccount(RELEASE),
                  "bind",
                  "clusterroles",
                  "*"))
          .isEqualTo("no");
    }
  }

  private static final String AGENT_SECRET = MemberChart.PULL_CREDENTIALS;

  private static List<io.fabric8.kubernetes.api.model.batch.v1.Job> memberJobs(
      KubernetesClient member, String jobUid) {
    return member
        .batch()
        .v1()
        .jobs()
        .inAnyNamespace()
        .withLabel("aifabric.io/job-uid", jobUid)
        .list()
        .getItems();
  }

  private static MemberWork memberWorkOrNull(String member, AIJob job) {
    return federation
        .host
        .resources(MemberWork.class)
        .inNamespace(PullMember.namespace(member))
        .withLabel("aifabric.io/job-uid", job.getMetadata().getUid())
        .list()
        .getItems()
        .stream()
        .findFirst()
        .orElse(null);
  }

  private static MemberWork memberWork(String member, AIJob job) {
    MemberWork work = memberWorkOrNull(member, job);
    assertThat(work).as("the job's MemberWork in " + PullMember.namespace(member)).isNotNull();
    return work;
  }

  private static Map<String, String> with(Map<String, String> settings, String key, String value) {
    Map<String, String> more = new java.util.HashMap<>(settings);
    more.put(key, value);
    return more;
  }

  /**
   * What the network says of a pull member's nodes reaches them through its agent: the operator
   * writes each verdict into the node's report on the host (the agent may not), and the agent puts
   * those labels on its Nodes, where the member's scheduler extender reads them, as the operator
   * labels a push member's Nodes itself. On the test bed member-b is also a push member, whose
   * operator would label the same Nodes: it leaves the network for this test (a data center is one
   * or the other), and comes back after it.
   */
  @Test
  void aPullMembersNodesGetTheNetworksVerdictsAndTheirNodeAgentsProveThemThroughItsAgent(
      TestBed bed) throws Exception {
    KubernetesClient memberB = bed.client("member-b");
    memberBLeaves();
    String name = pullMember();
    try {
      List<String> gpuNodes =
          memberB.nodes().withLabel("nvidia.com/gpu.present", "true").list().getItems().stream()
              .map(n -> n.getMetadata().getName())
              .toList();
      // Whatever the push member put there goes: what comes back is the pull member's word.
      for (String node : gpuNodes) {
        memberB
            .nodes()
            .withName(node)
            .edit(
                n -> {
                  NodeLabels.NETWORK_LABELS.forEach(n.getMetadata().getLabels()::remove);
                  return n;
                });
      }
      Map<String, String> first = PullMembers.firstStart(bed, name);
      try (MemberAgentProcess agent =
          MemberAgentProcess.start(
              PullMembers.agentKubeconfig(bed),
              bed.dir().resolve("member-agent-" + name).resolve("marks.log"),
              first)) {
        awaitCondition(name, "Ready", "True");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(computeNodes(name)).hasSize(gpuNodes.size());
                  for (ComputeNode cn : computeNodes(name)) {
                    String node = cn.getSpec().getNodeName();
                    Map<String, String> want =
                        Map.of(
                            NodeLabels.VERIFIED, word(condition(cn, "Verified")),
                            NodeLabels.AVAILABLE, word(condition(cn, "Available")));
                    // On the host, in the report's status, written by the operator ...
                    NodeReport report =
                        federation
                            .host
                            .resources(NodeReport.class)
                            .inNamespace(PullMember.namespace(name))
                            .withName(node)
                            .get();
                    assertThat(report.getStatus().getLabels()).containsAllEntriesOf(want);
                    // ... and on the member's Node, put there by the agent.
                    assertThat(memberB.nodes().withName(node).get().getMetadata().getLabels())
                        .containsAllEntriesOf(want);
                  }
                });
        assertThat(Files.readString(agent.log())).contains("put the network's");

        // A node agent on one of its nodes registers on its Node as on a push member's; the
        // member agent reports the registration, the operator records it and issues the broker
        // certificate into the report, the member agent puts it on the Node, and with it the node
        // agent publishes its proofs: the node is Verified and Available, and says so on its Node.
        String node = gpuNodes.get(0);
        try (AgentProcess nodeAgent =
            AgentProcess.start(
                NodeAgents.credentials(bed, federation, "member-b", node),
                bed.dir().resolve("agents"),
                NodeAgents.settings(federation, name, node))) {
          await()
              .atMost(Duration.ofSeconds(90))
              .untilAsserted(
                  () -> {
                    ComputeNode cn = computeNode(name, node);
                    assertThat(reason(condition(cn, "Registered"))).isEqualTo("True/Registered");
                    assertThat(reason(condition(cn, "Available"))).isEqualTo("True/HeartbeatFresh");
                    assertThat(reason(condition(cn, "Verified")))
                        .isEqualTo("True/MeasuredAsListed");
                  });
          await()
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(
                  () -> {
                    var onNode = memberB.nodes().withName(node).get().getMetadata();
                    assertThat(onNode.getLabels())
                        .containsEntry(NodeLabels.VERIFIED, "true")
                        .containsEntry(NodeLabels.AVAILABLE, "true");
                    assertThat(onNode.getAnnotations()).containsKey(NodeLabels.BROKER_CERTIFICATE);
                  });
          assertThat(Files.readString(nodeAgent.log())).contains("broker certificate for");
        } finally {
          forgetRegistration(memberB, node);
        }
      }
    } finally {
      federation.host.resources(MemberCluster.class).withName(name).delete();
      memberBComesBack(bed);
    }
  }

  /**
   * A job whose outputs are sealed runs on a pull member as on a push member: its upload URLs reach
   * the member only through the work its agent applies (the host holds no Secret for the member,
   * and the agent reads none), as a Secret owned by the member Job; the sealing sidecars upload
   * sealed bytes; the real node agents of the nodes that ran the replicas, certified through the
   * member agent, sign receipts naming them; and the user's CLI opens exactly what each replica
   * wrote. (member-b leaves as a push member for this, as above: its nodes are the pull member's.)
   */
  @Test
  void aSealedJobOnAPullMemberGetsItsUploadUrlsThroughTheAgentAndItsNodesSignForItsOutputs(
      TestBed bed) throws Exception {
    KubernetesClient memberB = bed.client("member-b");
    memberBLeaves();
    String name = PullMembers.cheapPullMember(federation);
    List<String> registered = new ArrayList<>();
    try (ObjectStoreProcess store =
            ObjectStoreProcess.start(
                ObjectStoreProcess.defaultBinary(),
                bed.dir().resolve("stores/" + name),
                "outputs");
        SealingSidecars kubelet =
            SealingSidecars.start(memberB, bed.dir().resolve("sidecars/" + name))) {
      federation.offerObjectStore(name, store);
      Path key = bed.dir().resolve("user/" + name + "-key");
      CommandResult keygen = AifabricCli.run("keygen", "--out", key.toString());
      assertThat(keygen.exitCode()).as(keygen.stderr()).isZero();
      Map<String, String> first = PullMembers.firstStart(bed, name);
      try (MemberAgentProcess agent =
          MemberAgentProcess.start(
              PullMembers.agentKubeconfig(bed),
              bed.dir().resolve("member-agent-" + name).resolve("sealed.log"),
              first)) {
        awaitCondition(name, "Ready", "True");
        AIJob job =
            PullMembers.inEuWest(
                Federation.exampleJob("24-aijob-sealed-outputs.yaml", ns, "pull-sealed"), "5s");
        job.getSpec().getEncryption().setUserPublicKey(keygen.stdout().strip());
        job = federation.create(job);
        String uid = job.getMetadata().getUid();
        AIJob done;
        try {
          done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(120));
        } catch (RuntimeException | AssertionError e) {
          throw new AssertionError("the sealed job did not succeed\n" + kubelet.diagnostics(), e);
        }
        assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo(name);

        // The URLs travel in the work, which only the operator and this member's agent read; the
        // host keeps no Secret for the member.
        MemberWork work = memberWork(name, done);
        assertThat(work.getSpec().getManifests())
            .extracting(m -> m.getKind())
            .containsExactly("Namespace", "Service", "Job", "Secret");
        assertThat(
                federation.host.secrets().inNamespace(PullMember.namespace(name)).list().getItems())
            .isEmpty();
        // In the member, the agent made them a Secret owned by the Job it created.
        var memberJob = memberJobs(memberB, uid).get(0);
        Secret uploads =
            memberB
                .secrets()
                .inNamespace(memberJob.getMetadata().getNamespace())
                .withName(memberJob.getMetadata().getName() + "-upload")
                .get();
        assertThat(uploads.getMetadata().getOwnerReferences())
            .singleElement()
            .satisfies(
                o -> {
                  assertThat(o.getKind()).isEqualTo("Job");
                  assertThat(o.getUid()).isEqualTo(memberJob.getMetadata().getUid());
                });
        assertThat(uploads.getData()).containsOnlyKeys("0", "1");

        Map<String, byte[]> held = SealedOutputsE2E.bothOutputsSealedIn(store, uid);

        // The nodes that ran the replicas prove it: their real agents, certified through the
        // member agent, sign receipts naming each sealed output.
        List<AgentProcess> nodeAgents = new ArrayList<>();
        try {
          for (String node : new LinkedHashSet<>(done.getStatus().getPlacement().getNodes())) {
            registered.add(node);
            nodeAgents.add(
                AgentProcess.start(
                    NodeAgents.credentials(bed, federation, "member-b", node),
                    bed.dir().resolve("agents"),
                    NodeAgents.settings(federation, name, node)));
          }
          await()
              .atMost(Duration.ofSeconds(120))
              .untilAsserted(
                  () ->
                      assertThat(Federation.condition(federation.get(done), "OutputsSealed"))
                          .hasValueSatisfying(
                              c ->
                                  assertThat(c.getStatus() + "/" + c.getReason())
                                      .isEqualTo("True/AllOutputsSealed")));
        } finally {
          nodeAgents.forEach(AgentProcess::close);
        }
        AIJob sealed = federation.get(done);
        assertThat(sealed.getStatus().getOutputs())
            .extracting(o -> o.getReplica() + ":" + o.getSealedBytes())
            .containsExactly(
                "0:" + held.get(SealedOutputObjects.key("aifabric", uid, 0)).length,
                "1:" + held.get(SealedOutputObjects.key("aifabric", uid, 1)).length);

        // The user's CLI fetches and opens exactly what each replica wrote.
        Path out = bed.dir().resolve("user/fetched-" + uid);
        CommandResult fetched = SealedOutputsE2E.fetch("pull-sealed", out, key);
        assertThat(fetched.exitCode()).as(fetched.stderr()).isZero();
        for (int replica = 0; replica < 2; replica++) {
          Path dir = out.resolve("replica-" + replica);
          assertThat(Files.readString(dir.resolve("result.txt")))
              .isEqualTo(SealedOutputsE2E.text(replica));
          assertThat(Files.readAllBytes(dir.resolve("data.bin")))
              .isEqualTo(SealedOutputsE2E.data(uid, replica));
        }

        // Deleted, the job's work leaves the member, its upload URLs with its Job.
        federation.host.resource(sealed).delete();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    memberJobs(memberB, uid).isEmpty()
                        && memberB
                                .secrets()
                                .inNamespace(memberJob.getMetadata().getNamespace())
                                .withName(uploads.getMetadata().getName())
                                .get()
                            == null);
      }
    } finally {
      registered.forEach(node -> forgetRegistration(memberB, node));
      federation.host.resources(MemberCluster.class).withName(name).delete();
      memberBComesBack(bed);
    }
  }

  /** The node agent's registration and broker certificate off the Node, for the next test. */
  private static void forgetRegistration(KubernetesClient member, String node) {
    member
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getAnnotations().remove(RegistrationCodec.ANNOTATION);
              n.getMetadata().getAnnotations().remove(NodeLabels.BROKER_CERTIFICATE);
              return n;
            });
  }

  /**
   * member-b leaves the network as a push member (a data center is one or the other): its nodes are
   * then only a pull member's, whose agent runs in member-b.
   */
  private static void memberBLeaves() {
    federation.host.resources(MemberCluster.class).withName("member-b").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                federation.host.resources(MemberCluster.class).withName("member-b").get() == null);
  }

  /** member-b back as the examples make it, Ready. */
  private static void memberBComesBack(TestBed bed) {
    var back =
        bed.kubectl(
            TestBed.HOST, "apply", "-f", Federation.example("10-memberclusters.yaml").toString());
    assertThat(back.succeeded()).as(back.stderr()).isTrue();
    federation.awaitCondition("member-b", "Ready", "True");
  }

  private static String reason(Condition condition) {
    return condition.getStatus() + "/" + condition.getReason();
  }

  /** A condition's status as the verdict labels say it: true, false or unknown. */
  private static String word(Condition condition) {
    return condition.getStatus().toLowerCase(java.util.Locale.ROOT);
  }

  private static List<ComputeNode> computeNodes(String member) {
    return federation
        .host
        .resources(ComputeNode.class)
        .withLabel("aifabric.io/cluster", member)
        .list()
        .getItems();
  }

  private static ComputeNode computeNode(String member, String node) {
    return federation.host.resources(ComputeNode.class).withName(member + "." + node).get();
  }

  private static Condition condition(ComputeNode node, String type) {
    return node.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(node.getMetadata().getName() + " has no " + type));
  }

  private static io.fabric8.kubernetes.api.model.Node cordon(
      io.fabric8.kubernetes.api.model.Node node, boolean unschedulable) {
    return new io.fabric8.kubernetes.api.model.NodeBuilder(node)
        .editOrNewSpec()
        .withUnschedulable(unschedulable)
        .endSpec()
        .build();
  }

  private static String pullMember() {
    String name = "pull-" + UUID.randomUUID().toString().substring(0, 8);
    MemberCluster mc = FederationE2E.memberCluster(name, "unused");
    mc.getSpec().setKubeconfigSecretRef(null);
    mc.getSpec().setMode(MemberMode.Pull);
    federation.host.resource(mc).create();
    return name;
  }

  private static Condition awaitCondition(String member, String type, String status) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> Federation.condition(federation.member(member), type).orElse(null),
            c -> c != null && status.equals(c.getStatus()));
  }

  private static String token(KubernetesClient client, String ns, String account) {
    TokenRequest request =
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build();
    return client
        .serviceAccounts()
        .inNamespace(ns)
        .withName(account)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  private static void renew(KubernetesClient agent, String ns, ZonedDateTime at) {
    agent
        .leases()
        .inNamespace(ns)
        .withName(PullMember.AGENT)
        .edit(l -> new LeaseBuilder(l).editSpec().withRenewTime(at).endSpec().build());
  }

  private static NodeReport nodeReport(String ns) {
    NodeReport report = new NodeReport();
    report.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("gpu-planted")
            .withNamespace(ns)
            .build());
    report.setSpec(new io.aifabric.api.v1alpha1.nodereport.NodeReportSpec());
    report.getSpec().getCapacity().put("nvidia.com/gpu", "8");
    return report;
  }

  private static Lease lease(String ns) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(PullMember.AGENT)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity("agent")
        .withLeaseDurationSeconds(30)
        .withRenewTime(ZonedDateTime.now())
        .endSpec()
        .build();
  }

  /** The HTTP status a call is refused with; a call that succeeds fails the test. */
  private static int refusal(Runnable call) {
    try {
      call.run();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isIn(401, 403);
      return e.getCode();
    }
    throw new AssertionError("the call succeeded");
  }

  private static void forbidden(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
  }

  /** A client from a kubeconfig, with another bearer token in place of its own if given. */
  private static KubernetesClient client(Path kubeconfig, String token) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    if (token != null) {
      config = new ConfigBuilder(config).withOauthToken(token).build();
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
