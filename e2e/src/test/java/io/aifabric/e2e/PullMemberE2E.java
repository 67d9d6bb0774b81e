package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberMode;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
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
    federation.operator.close();
    Path kubeconfig =
        new ControlPlaneChart(bed, Federation.SECRETS_NAMESPACE)
            .overTheInstalledApi()
            .install(RELEASE)
            .operatorKubeconfig(RELEASE);
    String suffix = Federation.SECRETS_NAMESPACE + "-" + RELEASE;
    operator =
        federation.operator.replica(
            kubeconfig,
            bed.dir().resolve("operator-pull-" + System.nanoTime()),
            Map.of(
                "AIFABRIC_INSTANCE_NAME", "pull",
                "AIFABRIC_MEMBER_PULL_AGENT_ROLE", "aifabric-member-agent-" + suffix,
                "AIFABRIC_MEMBER_PULL_JOINER_ROLE", "aifabric-member-joiner-" + suffix));
    operator.start();
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
        .isEqualTo("PullWorkNotSupported");

    // A host admin mints a join token for the provider.
    Path join = bed.dir().resolve("join-" + name + ".kubeconfig");
    CommandResult minted = joinToken(bed, name, join, "--ttl", "15m");
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
    CommandResult again = joinToken(bed, name, bed.dir().resolve("join-again.kubeconfig"));
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

  /** {@code aifabric join-token} as a host admin runs it. */
  private static CommandResult joinToken(TestBed bed, String member, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "join-token",
                member,
                "--kubeconfig",
                bed.kubeconfig(TestBed.HOST).toString(),
                "--out",
                out.toString()));
    args.addAll(List.of(more));
    return AifabricCli.run(args.toArray(String[]::new));
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
