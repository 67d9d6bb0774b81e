package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aifabric.contract.NodeLabels;
import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.Pem;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The member chart on a real member cluster: Helm refuses values that cannot work, the node agent's
 * DaemonSet lands on exactly the GPU nodes, and an agent's own credentials (its ServiceAccount
 * token bound to its pod) let it do what it needs and nothing else: register on its own Node, watch
 * the pods there; not touch another Node, its own labels or spec, or Secrets.
 */
@ExtendWith(TestBedExtension.class)
@Order(5)
class MemberChartIT {
  private static final String MEMBER = "member-a";
  private static final String REGISTRATION = "aifabric.io/registration";

  private static MemberChart chart;
  private static List<String> gpuNodes;
  private static Path brokerCa;
  private static KubernetesClient asAgent;
  private static KubernetesClient asUnboundAgent;

  @BeforeAll
  static void install(TestBed bed) throws Exception {
    // A broker CA of its own: the agents run here talk to no broker, the chart needs the file.
    Path ca = Files.createDirectories(bed.dir().resolve("member-chart-it")).resolve("ca.crt");
    Pem.writePublic(
        ca,
        Pem.encode(
            BrokerAuthority.create("chart test CA", Duration.ofDays(1), new SecureRandom())
                .certificate()));
    brokerCa = ca;
    chart = new MemberChart(bed, MEMBER).install("127.0.0.1", 8883, ca);
    gpuNodes =
        bed
            .client(MEMBER)
            .nodes()
            .withLabel("nvidia.com/gpu.present", "true")
            .list()
            .getItems()
            .stream()
            .map(n -> n.getMetadata().getName())
            .sorted()
            .toList();
    asAgent = client(chart.agentKubeconfig(gpuNodes.get(0)));
    asUnboundAgent = client(chart.unboundAgentKubeconfig());
  }

  @AfterAll
  static void close() {
    if (asAgent != null) {
      asAgent.close();
      asUnboundAgent.close();
    }
  }

  @Test
  void helmRefusesValuesThatCannotWork(TestBed bed) {
    assertRefusedByTheSchema(
        bed.helm(MEMBER, "template", "x", MemberChart.chart().toString(), "--set=broker.host=b"),
        "/cluster/name");
    assertRefusedByTheSchema(render(bed, "--set=broker.port=70000"), "/broker/port");
    // TLS to the broker is the default, and needs the network's CA to check the broker by.
    CommandResult noCa =
        bed.helm(MEMBER, "template", "x", MemberChart.chart().toString(), VALID[0], VALID[1]);
    assertThat(noCa.succeeded()).isFalse();
    assertThat(noCa.stderr()).contains("broker.tls.caCertificate");
    assertRefusedByTheSchema(
        render(bed, "--set=nodeAgent.heartbeatInterval=often"), "/nodeAgent/heartbeatInterval");
    assertRefusedByTheSchema(render(bed, "--set=extender.weight=0"), "/extender/weight");
    assertRefusedByTheSchema(
        render(bed, "--set=extender.urlPrefix=extender:8080"), "/extender/urlPrefix");
    // The verbs are served over TLS only: a plain-HTTP urlPrefix could never be answered.
    assertRefusedByTheSchema(
        render(bed, "--set=extender.urlPrefix=http://extender:8080/scheduler"),
        "/extender/urlPrefix");
    CommandResult oneSecret = render(bed, "--set=extender.tls.existingSecrets.server=mine");
    assertThat(oneSecret.succeeded()).isFalse();
    assertThat(oneSecret.stderr()).contains("name both the server and the client Secret");
    assertRefusedByTheSchema(
        render(bed, "--set=extender.minAvailabilityScore=300"), "/extender/minAvailabilityScore");
    assertRefusedByTheSchema(render(bed, "--set=mode=both"), "/mode");
    assertRefusedByTheSchema(
        render(bed, "--set=mode=pull", "--set=memberAgent.leaseInterval=often"),
        "/memberAgent/leaseInterval");

    CommandResult lint =
        bed.helm(
            MEMBER,
            "lint",
            MemberChart.chart().toString(),
            "--strict",
            VALID[0],
            VALID[1],
            VALID[2]);
    assertThat(lint.succeeded()).as(lint.stdout() + lint.stderr()).isTrue();
  }

  @Test
  void everyManifestIsStrictYamlAndEveryPodTemplateCarriesItsSelector(TestBed bed) {
    CommandResult rendered = render(bed);
    assertThat(rendered.succeeded()).as(rendered.stderr()).isTrue();
    // A strict parser (fabric8's, kubectl's with strict decoding) refuses duplicate keys that Helm
    // lets through with the last one winning.
    List<HasMetadata> objects =
        bed.client(MEMBER)
            .load(new ByteArrayInputStream(rendered.stdout().getBytes(StandardCharsets.UTF_8)))
            .items();
    List<String> workloads = new ArrayList<>();
    for (HasMetadata object : objects) {
      LabelSelector selector = null;
      Map<String, String> podLabels = null;
      if (object instanceof Deployment d) {
        selector = d.getSpec().getSelector();
        podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
      } else if (object instanceof DaemonSet d) {
        selector = d.getSpec().getSelector();
        podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
      }
      if (selector != null) {
        workloads.add(object.getMetadata().getName());
        assertThat(podLabels)
            .as(object.getMetadata().getName())
            .containsAllEntriesOf(selector.getMatchLabels());
      }
    }
    assertThat(workloads).hasSize(3);
  }

  /** Values every install needs. */
  private static final String[] VALID = {
    "--set=cluster.name=member-a", "--set=broker.host=b", "--set=broker.tls.caCertificate=pem"
  };

  /** {@code helm template} of the chart with the needed values and these besides. */
  private static CommandResult render(TestBed bed, String... settings) {
    List<String> args =
        new java.util.ArrayList<>(List.of("template", "x", MemberChart.chart().toString()));
    args.addAll(List.of(VALID));
    args.addAll(List.of(settings));
    return bed.helm(MEMBER, args.toArray(String[]::new));
  }

  private static void assertRefusedByTheSchema(CommandResult result, String field) {
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr()).contains(field);
  }

  @Test
  void theNodeAgentRunsOnEveryGpuNodeAndNowhereElse(TestBed bed) {
    List<Pod> agents =
        bed.client(MEMBER)
            .pods()
            .inNamespace(MemberChart.NAMESPACE)
            .withLabel("app.kubernetes.io/component", "node-agent")
            .list()
            .getItems();
    assertThat(agents.stream().map(p -> p.getSpec().getNodeName()).sorted().toList())
        .isEqualTo(gpuNodes);
    List<String> allNodes =
        bed.client(MEMBER).nodes().list().getItems().stream()
            .map(n -> n.getMetadata().getName())
            .toList();
    assertThat(allNodes).hasSizeGreaterThan(gpuNodes.size());
    assertThat(agents).allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
  }

  @Test
  void theAgentPodIsBaselineButForTheHostPathThatKeepsTheNodesKeys(TestBed bed) {
    assertThat(violationsOfLevel(bed, "baseline", MemberChart.AGENT))
        .containsExactly("hostPath volumes");
    // Restricted adds only what that hostPath implies (root owns the node's key directory): no
    // capabilities, no privilege escalation, a seccomp profile are all in place.
    assertThat(violationsOfLevel(bed, "restricted", MemberChart.AGENT))
        .containsExactlyInAnyOrder(
            "restricted volume types", "runAsNonRoot != true", "runAsUser=0");
  }

  @Test
  void theExtendersGrafanaDashboardIsAConfigMapForGrafanasSidecar(TestBed bed) throws Exception {
    GrafanaDashboards.assertInstalled(
        bed.client(MEMBER), MemberChart.NAMESPACE, MemberChart.chart());
  }

  @Test
  void theSchedulerAndItsExtenderRunUnderPodSecurityRestricted(TestBed bed) {
    List<Pod> pods =
        bed.client(MEMBER)
            .pods()
            .inNamespace(MemberChart.NAMESPACE)
            .withLabelIn("app.kubernetes.io/component", "scheduler", "scheduler-extender")
            .list()
            .getItems();
    assertThat(pods)
        .extracting(p -> p.getMetadata().getLabels().get("app.kubernetes.io/component"))
        .containsExactlyInAnyOrder("scheduler", "scheduler-extender");
    assertThat(violationsOfLevel(bed, "restricted", MemberChart.RELEASE + "-scheduler")).isEmpty();
  }

  @Test
  void onlyTheSchedulersPodsMayReachTheExtender(TestBed bed) {
    KubernetesClient member = bed.client(MEMBER);
    NetworkPolicy policy =
        member
            .network()
            .v1()
            .networkPolicies()
            .inNamespace(MemberChart.NAMESPACE)
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getName().endsWith("-scheduler-extender"))
            .findFirst()
            .orElseThrow();
    Map<String, Pod> byComponent =
        member.pods().inNamespace(MemberChart.NAMESPACE).list().getItems().stream()
            .collect(
                Collectors.toMap(
                    p -> p.getMetadata().getLabels().get("app.kubernetes.io/component"),
                    p -> p,
                    (a, b) -> a));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    Map<String, String> protectedPods = policy.getSpec().getPodSelector().getMatchLabels();
    assertThat(byComponent.get("scheduler-extender").getMetadata().getLabels())
        .containsAllEntriesOf(protectedPods);
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    var from = policy.getSpec().getIngress().get(0).getFrom();
    assertThat(from).singleElement();
    Map<String, String> admitted = from.get(0).getPodSelector().getMatchLabels();
    assertThat(from.get(0).getNamespaceSelector()).as("this namespace only").isNull();
    assertThat(byComponent.get("scheduler").getMetadata().getLabels())
        .containsAllEntriesOf(admitted);
    // A node agent's pod (on every GPU node, as any workload pod could be) is not admitted.
    assertThat(byComponent.get("node-agent").getMetadata().getLabels())
        .doesNotContainEntry(
            "app.kubernetes.io/component", admitted.get("app.kubernetes.io/component"));
    assertThat(policy.getSpec().getIngress().get(0).getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("https"));
    // Health and metrics, on a port of their own, are open to the cluster (kubelet, Prometheus).
    var management = policy.getSpec().getIngress().get(1);
    assertThat(management.getFrom()).isEmpty();
    assertThat(management.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getStrVal()).isEqualTo("management"));
  }

  @Test
  void theSchedulerAndTheExtenderHoldCertificatesOfOneCaOfTheirOwnThatAnUpgradeKeeps(TestBed bed)
      throws Exception {
    KubernetesClient member = bed.client(MEMBER);
    Secret server = secret(member, MemberChart.RELEASE + "-scheduler-extender-tls");
    Secret client = secret(member, MemberChart.RELEASE + "-scheduler-extender-client");
    X509Certificate ca = Pem.certificate(decoded(server, "ca.crt"));
    assertThat(Pem.certificate(decoded(client, "ca.crt"))).isEqualTo(ca);
    X509Certificate extender = Pem.certificate(decoded(server, "tls.crt"));
    X509Certificate scheduler = Pem.certificate(decoded(client, "tls.crt"));
    extender.verify(ca.getPublicKey());
    scheduler.verify(ca.getPublicKey());
    // The extender's certificate is for the host the scheduler's urlPrefix names.
    String host =
        URI.create(
                new ObjectMapper(new YAMLFactory())
                    .readTree(new MemberChart(bed, MEMBER).schedulerConfig())
                    .path("extenders")
                    .path(0)
                    .path("urlPrefix")
                    .asText())
            .getHost();
    assertThat(host).isEqualTo(MemberChart.RELEASE + "-scheduler-extender.aifabric-system.svc");
    List<Object> names =
        extender.getSubjectAlternativeNames().stream().map(name -> (Object) name.get(1)).toList();
    assertThat(names).contains(host);
    assertThat(scheduler.getSubjectX500Principal().getName()).isEqualTo("CN=aifabric-scheduler");
    // Both pods mount them; the keys are readable by the container's group only.
    assertThat(secretVolumes(member, "scheduler-extender"))
        .containsEntry(server.getMetadata().getName(), 0400);
    assertThat(secretVolumes(member, "scheduler"))
        .containsEntry(client.getMetadata().getName(), 0400);

    // An upgrade (here with the same values) keeps the CA and both certificates.
    chart.install("127.0.0.1", 8883, brokerCa);
    assertThat(secret(member, server.getMetadata().getName()).getData())
        .isEqualTo(server.getData());
    assertThat(secret(member, client.getMetadata().getName()).getData())
        .isEqualTo(client.getData());
  }

  private static Secret secret(KubernetesClient member, String name) {
    return member.secrets().inNamespace(MemberChart.NAMESPACE).withName(name).require();
  }

  private static String decoded(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
  }

  /** Secret name → defaultMode of the Secret volumes of a component's pod. */
  private static Map<String, Integer> secretVolumes(KubernetesClient member, String component) {
    return member
        .pods()
        .inNamespace(MemberChart.NAMESPACE)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems()
        .get(0)
        .getSpec()
        .getVolumes()
        .stream()
        .filter(v -> v.getSecret() != null)
        .collect(
            Collectors.toMap(
                v -> v.getSecret().getSecretName(), v -> v.getSecret().getDefaultMode()));
  }

  /**
   * A server-side dry run of a Pod Security level makes the API server list what the namespace's
   * running pods would violate, e.g. {@code Warning: pod-x (and 2 other pods): hostPath volumes}.
   */
  private static Set<String> violationsOfLevel(TestBed bed, String level, String podPrefix) {
    CommandResult dryRun =
        bed.kubectl(
            MEMBER,
            "label",
            "--dry-run=server",
            "--overwrite",
            "namespace",
            MemberChart.NAMESPACE,
            "pod-security.kubernetes.io/enforce=" + level);
    assertThat(dryRun.succeeded()).as(dryRun.stderr()).isTrue();
    return dryRun
        .stderr()
        .lines()
        .filter(l -> l.startsWith("Warning: " + podPrefix))
        .flatMap(l -> Arrays.stream(l.substring(l.lastIndexOf(": ") + 2).split(", ")))
        .collect(Collectors.toSet());
  }

  @Test
  void anAgentMayRegisterOnItsOwnNode(TestBed bed) {
    String own = gpuNodes.get(0);
    asAgent.nodes().withName(own).edit(annotate(REGISTRATION, "own-node-test"));
    assertThat(bed.client(MEMBER).nodes().withName(own).get().getMetadata().getAnnotations())
        .containsEntry(REGISTRATION, "own-node-test");
    bed.client(MEMBER).nodes().withName(own).edit(remove(REGISTRATION));
  }

  @Test
  void anAgentMayNotRegisterOnAnotherNode() {
    assertRefused(
        () -> asAgent.nodes().withName(gpuNodes.get(1)).edit(annotate(REGISTRATION, "stolen")),
        "may only change the Node its pod runs on, not " + gpuNodes.get(1));
  }

  @Test
  void aTokenBoundToNoPodMayNotRegisterAnywhere() {
    assertRefused(
        () -> asUnboundAgent.nodes().withName(gpuNodes.get(0)).edit(annotate(REGISTRATION, "x")),
        "may only change the Node its pod runs on");
  }

  @Test
  void anAgentMayNotVouchForItsOwnNode() {
    String own = gpuNodes.get(0);
    assertRefused(
        () ->
            asAgent
                .nodes()
                .withName(own)
                .edit(
                    n -> {
                      n.getMetadata().getLabels().put("aifabric.io/verified", "true");
                      return n;
                    }),
        "may not change a Node's labels");
    assertRefused(
        () -> asAgent.nodes().withName(own).edit(cordon()),
        "may not change a Node's labels, finalizers, owners or spec");
    assertRefused(
        () -> asAgent.nodes().withName(own).edit(annotate("example.com/other", "x")),
        "may change only the aifabric.io/registration and aifabric.io/chain-registration annotations");
    // Its broker certificate is the host's to issue (the broker would refuse a home-made one too).
    assertRefused(
        () ->
            asAgent
                .nodes()
                .withName(own)
                .edit(annotate("aifabric.io/broker-certificate", "-----BEGIN CERTIFICATE-----")),
        "may change only the aifabric.io/registration and aifabric.io/chain-registration annotations");
  }

  @Test
  void anAgentReadsOnlyWhatItNeeds() {
    String own = gpuNodes.get(0);
    assertThat(asAgent.pods().inAnyNamespace().withField("spec.nodeName", own).list().getItems())
        .extracting(p -> p.getSpec().getNodeName())
        .containsOnly(own);
    assertThat(asAgent.nodes().withName(own).get()).isNotNull();
    assertRefused(
        () -> asAgent.secrets().inAnyNamespace().list(), "cannot list resource \"secrets\"");
    assertRefused(() -> asAgent.nodes().withName(own).delete(), "cannot delete resource \"nodes\"");
    assertRefused(
        () ->
            asAgent
                .pods()
                .inNamespace(MemberChart.NAMESPACE)
                .withName(chart.agentPod(own).getMetadata().getName())
                .delete(),
        "cannot delete resource \"pods\"");
    assertRefused(
        () ->
            asAgent
                .nodes()
                .withName(own)
                .editStatus(
                    n -> {
                      n.getStatus()
                          .setCapacity(new java.util.HashMap<>(n.getStatus().getCapacity()));
                      n.getStatus()
                          .getCapacity()
                          .put(
                              "nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("64"));
                      return n;
                    }),
        "cannot patch resource \"nodes/status\"");
  }

  /**
   * The identity a provider hands the host instead of an admin kubeconfig: what the operator needs
   * (every federation test runs the operator with it), and none of a member's secrets, no way to
   * run a pod outside a Job, exec into one, or grant itself more.
   */
  @Test
  void theHostsIdentityInAMemberMayRunTheNetworksJobsAndNothingMore() throws Exception {
    try (KubernetesClient asHost = client(chart.hostAccessKubeconfig())) {
      assertThat(asHost.nodes().list().getItems()).isNotEmpty();
      assertThat(asHost.pods().inAnyNamespace().list().getItems()).isNotNull();
      assertThat(asHost.batch().v1().jobs().inAnyNamespace().list().getItems()).isNotNull();
      assertRefused(
          () -> asHost.secrets().inAnyNamespace().list(), "cannot list resource \"secrets\"");
      assertRefused(
          () -> asHost.configMaps().inNamespace("kube-system").list(),
          "cannot list resource \"configmaps\"");
      assertRefused(
          () ->
              asHost
                  .pods()
                  .inNamespace(MemberChart.NAMESPACE)
                  .resource(
                      new io.fabric8.kubernetes.api.model.PodBuilder()
                          .withNewMetadata()
                          .withName("host-made")
                          .endMetadata()
                          .withNewSpec()
                          .addNewContainer()
                          .withName("c")
                          .withImage("busybox")
                          .endContainer()
                          .endSpec()
                          .build())
                  .create(),
          "cannot create resource \"pods\"");
      assertRefused(
          () -> asHost.nodes().withName(gpuNodes.get(0)).delete(),
          "cannot delete resource \"nodes\"");
      assertRefused(
          () ->
              asHost
                  .rbac()
                  .clusterRoleBindings()
                  .resource(clusterAdminBinding("host-admin"))
                  .create(),
          "cannot create resource \"clusterrolebindings\"");
    }
  }

  /**
   * In pull mode nothing outside the cluster holds a credential for it: the chart makes no
   * aifabric-host identity, and runs the member agent instead (restricted, one replica), with the
   * join kubeconfig only when one is given.
   */
  @Test
  void aPullInstallationRunsTheMemberAgentAndMakesNoIdentityForTheHost(TestBed bed) {
    List<HasMetadata> pull =
        objects(bed, render(bed, "--set=mode=pull", "--set=memberAgent.joinKubeconfig=kubeconfig"));
    assertThat(pull)
        .noneMatch(
            o ->
                o.getKind().equals("ServiceAccount")
                    && o.getMetadata().getName().equals("aifabric-host"));
    Deployment agent = memberAgent(pull);
    assertThat(agent.getSpec().getReplicas()).isEqualTo(1);
    assertThat(agent.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    var container = agent.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> assertThat(e.getName()).isEqualTo("AIFABRIC_MEMBER_AGENT_JOIN_KUBECONFIG"));
    assertThat(pull)
        .anyMatch(
            o ->
                o.getKind().equals("Secret")
                    && o.getMetadata().getName().equals("x-member-agent-join"));

    // A new join kubeconfig (a re-join) changes the pod template, so the agent restarts with it.
    String joinHash = "aifabric.io/join-kubeconfig-sha256";
    assertThat(agent.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(joinHash);
    Deployment rejoined =
        memberAgent(
            objects(
                bed, render(bed, "--set=mode=pull", "--set=memberAgent.joinKubeconfig=another")));
    assertThat(rejoined.getSpec().getTemplate().getMetadata().getAnnotations().get(joinHash))
        .isNotEqualTo(agent.getSpec().getTemplate().getMetadata().getAnnotations().get(joinHash));

    // An upgrade without the join kubeconfig (it worked once): none is mounted.
    List<HasMetadata> upgraded = objects(bed, render(bed, "--set=mode=pull"));
    assertThat(upgraded)
        .noneMatch(
            o ->
                o.getKind().equals("Secret")
                    && o.getMetadata().getName().equals("x-member-agent-join"));
    // Push, the default: the host's identity and no agent.
    List<HasMetadata> push = objects(bed, render(bed));
    assertThat(push)
        .anyMatch(
            o ->
                o.getKind().equals("ServiceAccount")
                    && o.getMetadata().getName().equals("aifabric-host"))
        .noneMatch(o -> o.getMetadata().getName().equals("x-member-agent"));
  }

  /**
   * The member agent's identity in pull mode, as the chart makes it: what the agent needs (every
   * pull test runs the agent with it), and a stolen token of it reads no Secret but the agent's
   * own, runs no pod outside a Job, grants itself nothing, and writes only inside the network's
   * tenant namespaces.
   */
  @Test
  void theMemberAgentsIdentityMayRunTheNetworksJobsAndNothingMore(TestBed bed) throws Exception {
    String tenant = "aifabric-pull-it-" + Long.toHexString(System.nanoTime());
    try (KubernetesClient asAgent = client(PullMembers.agentKubeconfig(bed, MEMBER))) {
      assertThat(asAgent.nodes().list().getItems()).isNotEmpty();
      assertThat(asAgent.pods().inAnyNamespace().list().getItems()).isNotNull();
      assertThat(asAgent.batch().v1().jobs().inAnyNamespace().list().getItems()).isNotNull();
      // Its own credential, and no other Secret.
      asAgent
          .secrets()
          .inNamespace(MemberChart.PULL_NAMESPACE)
          .resource(secret(MemberChart.PULL_CREDENTIALS))
          .serverSideApply();
      assertThat(
              asAgent
                  .secrets()
                  .inNamespace(MemberChart.PULL_NAMESPACE)
                  .withName(MemberChart.PULL_CREDENTIALS)
                  .get())
          .isNotNull();
      assertRefused(
          () -> asAgent.secrets().inNamespace(MemberChart.PULL_NAMESPACE).list(),
          "cannot list resource \"secrets\"");
      // Creating Secrets (a job's upload URLs) lets it plant none beside its credential ...
      assertRefused(
          () ->
              asAgent
                  .secrets()
                  .inNamespace(MemberChart.PULL_NAMESPACE)
                  .resource(secret("planted-upload"))
                  .create(),
          "the aifabric member agent may write secrets only in the network's tenant namespaces,"
              + " not in "
              + MemberChart.PULL_NAMESPACE);
      assertRefused(
          () -> asAgent.secrets().inNamespace("kube-system").withName("bootstrap-token").get(),
          "cannot get resource \"secrets\"");
      assertRefused(
          () -> asAgent.configMaps().inNamespace("kube-system").list(),
          "cannot list resource \"configmaps\"");
      // On a Node: the network's verdict labels and broker certificate, and nothing else.
      String node = gpuNodes.get(0);
      String verdict =
          bed.client(MEMBER)
              .nodes()
              .withName(node)
              .get()
              .getMetadata()
              .getLabels()
              .get(NodeLabels.VERIFIED);
      try {
        asAgent.nodes().withName(node).edit(label(NodeLabels.VERIFIED, "unknown"));
        assertThat(bed.client(MEMBER).nodes().withName(node).get().getMetadata().getLabels())
            .containsEntry(NodeLabels.VERIFIED, "unknown");
      } finally {
        bed.client(MEMBER).nodes().withName(node).edit(label(NodeLabels.VERIFIED, verdict));
      }
      String onlyOurs = "the aifabric member agent may change only the network's labels";
      assertRefused(
          () ->
              asAgent
                  .nodes()
                  .withName(node)
                  .edit(annotate(REGISTRATION, "planted-" + System.nanoTime())),
          onlyOurs);
      assertRefused(
          () -> asAgent.nodes().withName(node).edit(label(NodeLabels.GFD_PRODUCT, "NVIDIA-B200")),
          onlyOurs);
      assertRefused(
          () -> asAgent.nodes().withName(node).edit(cordon()),
          "may not change a Node's finalizers, owners or spec");
      assertRefused(
          () ->
              asAgent
                  .rbac()
                  .clusterRoleBindings()
                  .resource(clusterAdminBinding("agent-admin"))
                  .create(),
          "cannot create resource \"clusterrolebindings\"");
      // Jobs only in the network's tenant namespaces, which are restricted.
      assertRefused(
          () -> asAgent.batch().v1().jobs().inNamespace("default").resource(job("escape")).create(),
          "the aifabric member agent may write jobs only in the network's tenant namespaces");
      assertRefused(
          () -> asAgent.namespaces().resource(namespace(tenant, "privileged")).create(),
          "enforce=restricted");
      asAgent.namespaces().resource(namespace(tenant, "restricted")).create();
      asAgent.batch().v1().jobs().inNamespace(tenant).resource(job("work")).create();
      // ... and in a tenant namespace only a job's upload URLs, which it cannot read back.
      asAgent.secrets().inNamespace(tenant).resource(secret("work-upload")).create();
      assertRefused(
          () -> asAgent.secrets().inNamespace(tenant).withName("work-upload").get(),
          "cannot get resource \"secrets\"");
      assertRefused(
          () -> asAgent.secrets().inNamespace(tenant).resource(secret("registry-creds")).create(),
          "the aifabric member agent creates only upload-URL Secrets");
      // Not a service-account token either, which the cluster would fill in for a pod to use.
      assertRefused(
          () ->
              asAgent
                  .secrets()
                  .inNamespace(tenant)
                  .resource(
                      new io.fabric8.kubernetes.api.model.SecretBuilder(secret("token-upload"))
                          .withType("kubernetes.io/service-account-token")
                          .editMetadata()
                          .addToAnnotations("kubernetes.io/service-account.name", "default")
                          .endMetadata()
                          .build())
                  .create(),
          "the aifabric member agent creates only upload-URL Secrets (<job>-upload, Opaque)");
    } finally {
      bed.client(MEMBER).namespaces().withName(tenant).delete();
    }
  }

  private static Deployment memberAgent(List<HasMetadata> rendered) {
    return (Deployment)
        rendered.stream()
            .filter(o -> o.getKind().equals("Deployment"))
            .filter(o -> o.getMetadata().getName().equals("x-member-agent"))
            .findFirst()
            .orElseThrow();
  }

  private static List<HasMetadata> objects(TestBed bed, CommandResult rendered) {
    assertThat(rendered.succeeded()).as(rendered.stderr()).isTrue();
    return bed.client(MEMBER)
        .load(new ByteArrayInputStream(rendered.stdout().getBytes(StandardCharsets.UTF_8)))
        .items();
  }

  private static io.fabric8.kubernetes.api.model.Namespace namespace(String name, String level) {
    return new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app.kubernetes.io/managed-by", "aifabric-operator")
        .addToLabels("pod-security.kubernetes.io/enforce", level)
        .endMetadata()
        .build();
  }

  private static io.fabric8.kubernetes.api.model.batch.v1.Job job(String name) {
    return new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("c")
        .withImage("busybox")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The host's identity may create Jobs, Services and Secrets cluster-wide as far as RBAC goes; the
   * chart's admission policy keeps each write inside the network's own tenant namespaces. Each
   * refusal here is a write a compromised host would try.
   */
  @Test
  void theHostWritesOnlyInsideTheNetworksTenantNamespaces(TestBed bed) throws Exception {
    String tenant = "aifabric-chart-it-" + Long.toHexString(System.nanoTime());
    try (KubernetesClient asHost = client(chart.hostAccessKubeconfig())) {
      // A tenant namespace as the operator makes it, and an upload Secret in it.
      asHost
          .namespaces()
          .resource(
              new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                  .withNewMetadata()
                  .withName(tenant)
                  .addToLabels("app.kubernetes.io/managed-by", "aifabric-operator")
                  .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                  .endMetadata()
                  .build())
          .create();
      asHost.secrets().inNamespace(tenant).resource(secret("job-upload")).create();
      // It still reads no Secret, not even the one it made.
      assertRefused(
          () -> asHost.secrets().inNamespace(tenant).withName("job-upload").get(),
          "cannot get resource \"secrets\"");
      // Secrets of another kind, or outside the tenant namespaces: refused by the policy.
      assertRefused(
          () -> asHost.secrets().inNamespace(tenant).resource(secret("registry-creds")).create(),
          "the aifabric host creates only upload-URL Secrets");
      assertRefused(
          () ->
              asHost
                  .secrets()
                  .inNamespace(MemberChart.NAMESPACE)
                  .resource(secret("planted-upload"))
                  .create(),
          "only in the network's tenant namespaces, not in " + MemberChart.NAMESPACE);
      // A Job outside them (it could mount that namespace's Secrets): refused.
      assertRefused(
          () -> asHost.batch().v1().jobs().inNamespace("default").resource(job("escape")).create(),
          "only in the network's tenant namespaces, not in default");
      // Taking over a namespace that is not the network's, or making one without restricted.
      assertRefused(
          () ->
              asHost
                  .namespaces()
                  .withName(MemberChart.NAMESPACE)
                  .edit(
                      n -> {
                        // Labelled exactly as a tenant namespace would be: only whose it was
                        // before tells them apart.
                        n.getMetadata()
                            .getLabels()
                            .put("app.kubernetes.io/managed-by", "aifabric-operator");
                        n.getMetadata()
                            .getLabels()
                            .put("pod-security.kubernetes.io/enforce", "restricted");
                        return n;
                      }),
          "may not take over namespace " + MemberChart.NAMESPACE);
      assertRefused(
          () ->
              asHost
                  .namespaces()
                  .resource(
                      new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                          .withNewMetadata()
                          .withName(tenant + "-privileged")
                          .addToLabels("app.kubernetes.io/managed-by", "aifabric-operator")
                          .addToLabels("pod-security.kubernetes.io/enforce", "privileged")
                          .endMetadata()
                          .build())
                  .create(),
          "enforce=restricted");
    } finally {
      bed.client(MEMBER).namespaces().withName(tenant).delete();
    }
  }

  /**
   * An agent creates Secrets (to hand a pod on its node its job's input keys), so a stolen agent
   * token could try to plant Secrets elsewhere: only a Job's input-key Secret, labelled as the
   * agent's, in a tenant namespace of the network, is let through; it still reads none.
   */
  @Test
  void anAgentCreatesOnlyInputKeySecretsInTheNetworksTenantNamespaces(TestBed bed) {
    String tenant = "aifabric-chart-it-" + Long.toHexString(System.nanoTime());
    KubernetesClient member = bed.client(MEMBER);
    member
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(tenant)
                .addToLabels("app.kubernetes.io/managed-by", "aifabric-operator")
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata()
                .build())
        .create();
    try {
      asAgent.secrets().inNamespace(tenant).resource(inputKeys("train-abc-input-keys")).create();
      assertRefused(
          () -> asAgent.secrets().inNamespace(tenant).withName("train-abc-input-keys").get(),
          "cannot get resource \"secrets\"");
      assertRefused(
          () ->
              asAgent.secrets().inNamespace(tenant).resource(inputKeys("registry-creds")).create(),
          "creates only a Job's input-key Secrets");
      var unowned = inputKeys("other-input-keys");
      unowned.getMetadata().setOwnerReferences(List.of());
      assertRefused(
          () -> asAgent.secrets().inNamespace(tenant).resource(unowned).create(),
          "creates only a Job's input-key Secrets");
      assertRefused(
          () ->
              asAgent
                  .secrets()
                  .inNamespace(MemberChart.NAMESPACE)
                  .resource(inputKeys("planted-input-keys"))
                  .create(),
          "creates Secrets only in tenant namespaces of the network, not in "
              + MemberChart.NAMESPACE);
    } finally {
      member.namespaces().withName(tenant).delete();
    }
  }

  private static io.fabric8.kubernetes.api.model.Secret inputKeys(String name) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("app.kubernetes.io/managed-by", "aifabric-node-agent")
        .addNewOwnerReference()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withName("train-abc")
        .withUid("00000000-0000-0000-0000-000000000001")
        .endOwnerReference()
        .endMetadata()
        .addToData("input-0", Base64.getEncoder().encodeToString(new byte[32]))
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Secret secret(String name) {
    return new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToStringData("0", "https://store.example/bucket/key?X-Amz-Signature=x")
        .build();
  }

  private static void assertRefused(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining(message);
  }

  private static UnaryOperator<Node> annotate(String key, String value) {
    return n -> {
      n.getMetadata().getAnnotations().put(key, value);
      return n;
    };
  }

  private static UnaryOperator<Node> cordon() {
    return n -> {
      n.getSpec().setUnschedulable(true);
      return n;
    };
  }

  /** What a stolen token would grant itself first. */
  private static io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding clusterAdminBinding(
      String name) {
    return new io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
        .build();
  }

  /** Sets a label; null removes it. */
  private static UnaryOperator<Node> label(String key, String value) {
    return n -> {
      if (value == null) {
        n.getMetadata().getLabels().remove(key);
      } else {
        n.getMetadata().getLabels().put(key, value);
      }
      return n;
    };
  }

  private static UnaryOperator<Node> remove(String key) {
    return n -> {
      n.getMetadata().getAnnotations().remove(key);
      return n;
    };
  }

  private static KubernetesClient client(Path kubeconfig) throws Exception {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
        .build();
  }
}
