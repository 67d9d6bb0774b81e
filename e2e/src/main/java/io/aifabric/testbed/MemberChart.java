package io.aifabric.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The aifabric chart (charts/aifabric) installed into a member cluster of the test bed the way a
 * data center installs it: Helm, into a namespace labelled for Pod Security as the README says. On
 * KWOK nodes the node agent's pods are simulated (no image is pulled); what is real is everything
 * the API server does with them: admission, RBAC, the ValidatingAdmissionPolicy, and the pod-bound
 * ServiceAccount tokens an agent authenticates with.
 */
public final class MemberChart {
  public static final String NAMESPACE = "aifabric-system";
  public static final String RELEASE = "aifabric";
  public static final String AGENT = RELEASE + "-node-agent";

  /**
   * Where the chart's pull-mode installation goes on the test bed: a namespace and release of its
   * own, beside the push installation whose host identity (and its admission policy) the other
   * tests use. A data center installs one or the other.
   */
  public static final String PULL_NAMESPACE = "aifabric-pull";

  public static final String PULL_RELEASE = "aifabric-pull";

  /** The Secret in which the pull installation's member agent keeps its host identity. */
  public static final String PULL_CREDENTIALS = PULL_RELEASE + "-member-agent-host";

  private final TestBed bed;
  private final String cluster;

  public MemberChart(TestBed bed, String cluster) {
    this.bed = bed;
    this.cluster = cluster;
  }

  public static Path chart() {
    return AifabricApi.repoRoot().resolve("charts/aifabric");
  }

  /**
   * Installs (or upgrades to) the chart and waits until the node agent runs on every GPU node.
   *
   * @param settings extra {@code --set} values, e.g. {@code broker.port=1883}
   */
  public MemberChart install(String brokerHost, int brokerPort, Path brokerCa, String... settings) {
    return install(true, brokerHost, brokerPort, brokerCa, settings);
  }

  /**
   * The chart as an agent started for {@code node} needs it: installed (if it is not yet; an
   * installation there is left as it is, since what the agent is told comes from its own settings,
   * not the chart's values) with an agent pod running on that node, whose token the agent's is
   * bound to. An upgrade would roll every node's pod, and a node of another test that is stuck
   * could hold that rollout up; a pod replaced later would void the token.
   */
  public MemberChart installFor(
      String node, String brokerHost, int brokerPort, Path brokerCa, String... settings) {
    KubernetesClient client = bed.client(cluster);
    if (client.apps().daemonSets().inNamespace(NAMESPACE).withName(AGENT).get() == null) {
      install(false, brokerHost, brokerPort, brokerCa, settings);
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      boolean running =
          client
              .pods()
              .inNamespace(NAMESPACE)
              .withLabel("app.kubernetes.io/component", "node-agent")
              .list()
              .getItems()
              .stream()
              .anyMatch(
                  p ->
                      node.equals(p.getSpec().getNodeName())
                          && p.getMetadata().getDeletionTimestamp() == null
                          && p.getStatus() != null
                          && "Running".equals(p.getStatus().getPhase()));
      if (running) {
        return this;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no node agent pod runs on " + node);
  }

  private MemberChart install(
      boolean waitForAll, String brokerHost, int brokerPort, Path brokerCa, String... settings) {
    ensureNamespace(bed.client(cluster));
    List<String> flags =
        new ArrayList<>(
            List.of(
                "--set=cluster.name=" + cluster,
                "--set=broker.host=" + brokerHost,
                "--set=broker.port=" + brokerPort,
                "--set-file=broker.tls.caCertificate=" + brokerCa,
                "--timeout=120s",
                // Objects the tests applied ahead of the chart (the host's RBAC and admission
                // policy, see hostAccessKubeconfig) are the chart's own: Helm takes them over.
                "--force-conflicts"));
    if (waitForAll) {
      flags.add("--wait");
    }
    bed.helmInstall(cluster, NAMESPACE, RELEASE, chart(), flags, settings);
    return this;
  }

  /**
   * The aifabric scheduler's KubeSchedulerConfiguration exactly as the chart renders it into its
   * ConfigMap.
   *
   * @param settings {@code --set} values, e.g. {@code extender.urlPrefix=http://...}
   */
  public String schedulerConfig(String... settings) {
    try {
      return new ObjectMapper(new YAMLFactory())
          .readTree(render("templates/scheduler-config.yaml", settings))
          .path("data")
          .path("config.yaml")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A kubeconfig with the credentials the extender's pod would have: a token of the chart's
   * extender ServiceAccount, whose RBAC (and only that) is applied from the chart first. The
   * objects carry Helm's ownership marks, so a later {@code helm install} adopts them.
   */
  public Path extenderKubeconfig() {
    return serviceAccountKubeconfig("templates/scheduler-extender.yaml", "extender");
  }

  /**
   * The kubeconfig a provider hands the network's host: a token of the chart's least-privilege
   * {@code aifabric-host} ServiceAccount (its RBAC applied from the chart first), as {@code kubectl
   * create token aifabric-host} makes it, instead of an admin kubeconfig.
   */
  public Path hostAccessKubeconfig() {
    return serviceAccountKubeconfig(
        List.of("templates/host-access-rbac.yaml", "templates/host-access-policy.yaml"),
        "host-access");
  }

  /**
   * The member agent's identity in pull mode: a token of its ServiceAccount, with the RBAC and the
   * admission policy the chart gives it (mode=pull) applied from the chart first, in {@link
   * #PULL_NAMESPACE}. What the agent is told comes from its own settings: the test runs it.
   */
  public Path memberAgentKubeconfig() {
    return serviceAccountKubeconfig(
        PULL_NAMESPACE,
        PULL_RELEASE,
        List.of("templates/member-agent.yaml", "templates/host-access-policy.yaml"),
        "member agent",
        "mode=pull");
  }

  private Path serviceAccountKubeconfig(String template, String what) {
    return serviceAccountKubeconfig(List.of(template), what);
  }

  private Path serviceAccountKubeconfig(List<String> templates, String what) {
    return serviceAccountKubeconfig(NAMESPACE, RELEASE, templates, what);
  }

  /** As above, with the RBAC and admission policies of several templates applied. */
  private Path serviceAccountKubeconfig(
      String namespace, String release, List<String> templates, String what, String... settings) {
    KubernetesClient client = bed.client(cluster);
    ensureNamespace(client, namespace);
    String serviceAccount = null;
    List<HasMetadata> objects = new ArrayList<>();
    for (String template : templates) {
      String rendered = render(namespace, release, template, settings);
      objects.addAll(
          client.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items());
    }
    for (HasMetadata object : objects) {
      if (!RBAC_KINDS.contains(object.getKind())) {
        continue; // Deployments and Services: the tests run the services themselves
      }
      Map<String, String> annotations = new HashMap<>();
      if (object.getMetadata().getAnnotations() != null) {
        annotations.putAll(object.getMetadata().getAnnotations());
      }
      annotations.put("meta.helm.sh/release-name", release);
      annotations.put("meta.helm.sh/release-namespace", namespace);
      object.getMetadata().setAnnotations(annotations);
      client.resource(object).forceConflicts().serverSideApply();
      if (object.getKind().equals("ServiceAccount")) {
        serviceAccount = object.getMetadata().getName();
      }
    }
    if (serviceAccount == null) {
      throw new IllegalStateException("the chart renders no ServiceAccount for the " + what);
    }
    return TokenKubeconfig.forServiceAccount(
        bed, cluster, namespace, serviceAccount, TokenKubeconfig.anHour(), serviceAccount);
  }

  private static final Set<String> RBAC_KINDS =
      Set.of(
          "ServiceAccount",
          "ClusterRole",
          "ClusterRoleBinding",
          "Role",
          "RoleBinding",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding");

  /** One template of the chart as {@code helm template} renders it for this member. */
  private String render(String template, String... settings) {
    return render(NAMESPACE, RELEASE, template, settings);
  }

  private String render(String namespace, String release, String template, String... settings) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "template",
            release,
            chart().toString(),
            "--namespace=" + namespace,
            "--set=cluster.name=" + cluster,
            "--set=broker.host=broker.invalid",
            "--set=broker.tls.caCertificate=(not needed to render)",
            "--show-only=" + template));
    for (String setting : settings) {
      args.add("--set=" + setting);
    }
    CommandResult result = bed.helm(cluster, args.toArray(String[]::new));
    if (!result.succeeded()) {
      throw new IllegalStateException("helm template failed: " + result.stderr());
    }
    return result.stdout();
  }

  /** The chart's namespace, labelled for Pod Security as the README says. */
  private static void ensureNamespace(KubernetesClient client) {
    ensureNamespace(client, NAMESPACE);
  }

  private static void ensureNamespace(KubernetesClient client, String namespace) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(namespace)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged")
                .addToLabels("pod-security.kubernetes.io/warn", "baseline")
                .endMetadata()
                .build())
        .serverSideApply();
  }

  /** The node agent's pod on the node. */
  public Pod agentPod(String node) {
    return bed
        .client(cluster)
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("app.kubernetes.io/component", "node-agent")
        .list()
        .getItems()
        .stream()
        .filter(p -> node.equals(p.getSpec().getNodeName()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node agent pod on " + node));
  }

  /**
   * A kubeconfig with the credentials the kubelet would give the agent on the node: a token of the
   * agent's ServiceAccount bound to its pod there (so the API server knows the node).
   */
  public Path agentKubeconfig(String node) {
    Pod pod = agentPod(node);
    return agentKubeconfig(
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(3600L)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec()
            .build(),
        "agent-" + node);
  }

  /** The agent's ServiceAccount with a token bound to nothing: no pod, so no node. */
  public Path unboundAgentKubeconfig() {
    return agentKubeconfig(TokenKubeconfig.anHour(), "agent-unbound");
  }

  private Path agentKubeconfig(TokenRequest request, String name) {
    return TokenKubeconfig.forServiceAccount(bed, cluster, NAMESPACE, AGENT, request, name);
  }
}
