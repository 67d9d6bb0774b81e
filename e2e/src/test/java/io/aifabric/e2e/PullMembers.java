package io.aifabric.e2e;

import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.PlacementConstraints;
import io.aifabric.api.v1alpha1.membercluster.GpuPrice;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberMode;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Pull members on the test bed, as PullMemberE2E and PullDispatchBenchmark make them. */
final class PullMembers {
  private PullMembers() {}

  /**
   * Replaces the federation's operator by one with the control-plane chart's identity (its RBAC,
   * its admission policy, the pull ClusterRoles it binds), as a network runs it.
   */
  static OperatorProcess chartOperator(
      TestBed bed, Federation federation, String release, Map<String, String> settings) {
    federation.operator.close();
    Path kubeconfig =
        new ControlPlaneChart(bed, Federation.SECRETS_NAMESPACE)
            .overTheInstalledApi()
            .install(release)
            .operatorKubeconfig(release);
    String suffix = Federation.SECRETS_NAMESPACE + "-" + release;
    Map<String, String> env = new HashMap<>(settings);
    env.put("AIFABRIC_INSTANCE_NAME", release);
    env.put("AIFABRIC_MEMBER_PULL_AGENT_ROLE", "aifabric-member-agent-" + suffix);
    env.put("AIFABRIC_MEMBER_PULL_JOINER_ROLE", "aifabric-member-joiner-" + suffix);
    OperatorProcess operator =
        federation.operator.replica(
            kubeconfig, bed.dir().resolve("operator-" + release + "-" + System.nanoTime()), env);
    operator.start();
    return operator;
  }

  /**
   * A pull member in eu-west-1 (member-a's region) whose agent will run in member-b, offering its
   * RTX 4090s far below anyone's price: a job limited to eu-west-1 goes there first, and to
   * member-a when the pull member is lost (never to member-b, the same machines under another
   * member, where the same deterministic names would meet the stale copy).
   */
  static String cheapPullMember(Federation federation) {
    String name = "pull-" + UUID.randomUUID().toString().substring(0, 8);
    MemberCluster mc = FederationE2E.memberCluster(name, "unused");
    mc.getSpec().setKubeconfigSecretRef(null);
    mc.getSpec().setMode(MemberMode.Pull);
    mc.getSpec().setPricing(List.of(new GpuPrice("NVIDIA-GeForce-RTX-4090", "0.05")));
    federation.host.resource(mc).create();
    return name;
  }

  static AIJob inEuWest(AIJob job, String runtime) {
    job.getSpec().setPlacement(new PlacementConstraints());
    job.getSpec().getPlacement().setRegions(List.of("eu-west-1"));
    job.getSpec().getEnv().add(FederationE2E.simulatedRuntime(runtime));
    return job;
  }

  static final String JOIN_KUBECONFIG = "AIFABRIC_MEMBER_AGENT_JOIN_KUBECONFIG";

  /**
   * The settings of the member's agent in member-b for its first start: a join token just minted by
   * a host admin, and a namespace of its own there; short intervals.
   */
  static Map<String, String> firstStart(TestBed bed, String member) {
    Path join = bed.dir().resolve("join-" + member + ".kubeconfig");
    CommandResult minted = joinToken(bed, member, join);
    if (minted.exitCode() != 0) {
      throw new IllegalStateException("aifabric join-token failed: " + minted.stderr());
    }
    // A first install: no identity kept from an agent of another test's member.
    bed.client("member-b")
        .secrets()
        .inNamespace(MemberChart.PULL_NAMESPACE)
        .withName(MemberChart.PULL_CREDENTIALS)
        .delete();
    Map<String, String> settings = new HashMap<>();
    settings.put("AIFABRIC_MEMBER_AGENT_MEMBER", member);
    settings.put("AIFABRIC_MEMBER_AGENT_NAMESPACE", MemberChart.PULL_NAMESPACE);
    settings.put("AIFABRIC_MEMBER_AGENT_CREDENTIALS_SECRET", MemberChart.PULL_CREDENTIALS);
    settings.put("AIFABRIC_MEMBER_AGENT_LEASE_INTERVAL", "1s");
    settings.put("AIFABRIC_MEMBER_AGENT_REPORT_INTERVAL", "1s");
    settings.put(JOIN_KUBECONFIG, join.toString());
    return settings;
  }

  /**
   * What the agent authenticates to member-b with: the identity the member chart gives it in pull
   * mode (its ServiceAccount, RBAC and admission policy), not an admin's, so every test that runs
   * an agent also shows that the chart grants it enough.
   */
  static Path agentKubeconfig(TestBed bed) {
    return agentKubeconfig(bed, "member-b");
  }

  /**
   * The member agent's identity in a member, once the chart's admission policies for it are in
   * force: the API server enforces a new ValidatingAdmissionPolicy a moment after it is created, so
   * this waits until a server-side dry run of a write each policy refuses is refused (nothing is
   * written either way).
   */
  static Path agentKubeconfig(TestBed bed, String cluster) {
    Path kubeconfig = new MemberChart(bed, cluster).memberAgentKubeconfig();
    String node = bed.client(cluster).nodes().list().getItems().get(0).getMetadata().getName();
    try (KubernetesClient agent =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .build()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  refused(
                          () ->
                              agent
                                  .nodes()
                                  .withName(node)
                                  .dryRun()
                                  .patch(
                                      PatchContext.of(PatchType.JSON_MERGE),
                                      "{\"metadata\":{\"annotations\":{\"policy-probe\":\"x\"}}}"))
                      && refused(
                          () ->
                              agent
                                  .namespaces()
                                  .resource(
                                      new NamespaceBuilder()
                                          .withNewMetadata()
                                          .withName("policy-probe")
                                          .endMetadata()
                                          .build())
                                  .dryRun()
                                  .create()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return kubeconfig;
  }

  /** Whether the API server refused the write (403). */
  private static boolean refused(Runnable write) {
    try {
      write.run();
      return false;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      return true;
    }
  }

  /** The same agent started again: without the join token, which worked once. */
  static Map<String, String> restart(Map<String, String> firstStart) {
    Map<String, String> settings = new HashMap<>(firstStart);
    settings.remove(JOIN_KUBECONFIG);
    return settings;
  }

  /** {@code aifabric join-token} as a host admin runs it. */
  static CommandResult joinToken(TestBed bed, String member, Path out, String... more) {
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
}
