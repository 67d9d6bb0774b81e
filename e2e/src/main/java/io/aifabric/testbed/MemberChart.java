package io.aifabric.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
  public MemberChart install(String brokerHost, int brokerPort, String... settings) {
    KubernetesClient client = bed.client(cluster);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NAMESPACE)
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged")
                .addToLabels("pod-security.kubernetes.io/warn", "baseline")
                .endMetadata()
                .build())
        .serverSideApply();
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "upgrade",
            "--install",
            RELEASE,
            chart().toString(),
            "--namespace=" + NAMESPACE,
            "--set=cluster.name=" + cluster,
            "--set=broker.host=" + brokerHost,
            "--set=broker.port=" + brokerPort,
            "--wait",
            "--timeout=120s"));
    for (String setting : settings) {
      args.add("--set=" + setting);
    }
    CommandResult result = bed.helm(cluster, args.toArray(String[]::new));
    if (!result.succeeded()) {
      throw new IllegalStateException("helm install failed: " + result.stderr());
    }
    return this;
  }

  /**
   * The aifabric scheduler's KubeSchedulerConfiguration exactly as the chart renders it into its
   * ConfigMap.
   *
   * @param settings {@code --set} values, e.g. {@code extender.urlPrefix=http://...}
   */
  public String schedulerConfig(String... settings) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "template",
            RELEASE,
            chart().toString(),
            "--namespace=" + NAMESPACE,
            "--set=cluster.name=" + cluster,
            "--set=broker.host=broker.invalid",
            "--show-only=templates/scheduler-config.yaml"));
    for (String setting : settings) {
      args.add("--set=" + setting);
    }
    CommandResult result = bed.helm(cluster, args.toArray(String[]::new));
    if (!result.succeeded()) {
      throw new IllegalStateException("helm template failed: " + result.stderr());
    }
    try {
      return new ObjectMapper(new YAMLFactory())
          .readTree(result.stdout())
          .path("data")
          .path("config.yaml")
          .asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    return kubeconfigWithToken(
        "agent-" + node,
        token(
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
                .build()));
  }

  /** The agent's ServiceAccount with a token bound to nothing: no pod, so no node. */
  public Path unboundAgentKubeconfig() {
    return kubeconfigWithToken(
        "agent-unbound",
        token(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(3600L)
                .endSpec()
                .build()));
  }

  private String token(TokenRequest request) {
    return bed.client(cluster)
        .serviceAccounts()
        .inNamespace(NAMESPACE)
        .withName(AGENT)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  private Path kubeconfigWithToken(String name, String token) {
    return TokenKubeconfig.write(bed, cluster, name, token);
  }
}
