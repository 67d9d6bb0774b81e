package io.aifabric.cli;

import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.protocol.broker.Pem;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "join-token",
    mixinStandardHelpOptions = true,
    description =
        "For a host admin: a join token for a pull member, as a kubeconfig for the host to hand its"
            + " provider. It lets the member's agent obtain its own identity on the host and"
            + " nothing else; it expires after --ttl and works once (the operator deletes the"
            + " joiner when the agent has joined).")
final class JoinTokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();

  @Parameters(paramLabel = "MEMBER", description = "The pull MemberCluster's name.")
  String member;

  @Option(
      names = "--ttl",
      description = "How long the token is valid (default: ${DEFAULT-VALUE}; at least 10m).",
      defaultValue = "1h",
      converter = DurationConverter.class)
  Duration ttl;

  @Option(
      names = "--out",
      required = true,
      description = "Where to write the kubeconfig (readable by its owner only).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (ttl.compareTo(Duration.ofMinutes(10)) < 0) {
      throw new IllegalArgumentException("--ttl is at least 10m (the API server's minimum)");
    }
    try (KubernetesClient client = host.connect()) {
      MemberCluster mc = client.resources(MemberCluster.class).withName(member).get();
      if (mc == null) {
        throw new IllegalArgumentException("no MemberCluster " + member + " on the host");
      }
      if (!mc.getSpec().isPullMode()) {
        throw new IllegalArgumentException(
            "MemberCluster "
                + member
                + " is a Push member: the host reaches it with its kubeconfig, no agent joins");
      }
      String ns = PullMember.namespace(member);
      if (client.serviceAccounts().inNamespace(ns).withName(PullMember.JOINER).get() == null) {
        throw new IllegalArgumentException(
            "member "
                + member
                + " takes no join token: its agent has joined already, or the operator has not"
                + " prepared "
                + ns
                + " yet (kubectl get membercluster "
                + member
                + " says which)");
      }
      TokenRequest request =
          new TokenRequestBuilder()
              .withNewSpec()
              .withExpirationSeconds(ttl.toSeconds())
              .endSpec()
              .build();
      TokenRequest issued =
          client
              .serviceAccounts()
              .inNamespace(ns)
              .withName(PullMember.JOINER)
              .tokenRequest(request);
      Pem.writeSecret(
          out, kubeconfig(client.getConfiguration(), ns, issued.getStatus().getToken()));
      spec.commandLine()
          .getOut()
          .printf(
              "join token for pull member %s written to %s: valid until %s, works once.%n"
                  + "Its provider installs the member chart in the pull role with it"
                  + " (--set-file pull.joinKubeconfig=%s).%n",
              member, out, issued.getStatus().getExpirationTimestamp(), out.getFileName());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  /** A kubeconfig for the host with the joiner's token, in the member's namespace. */
  private static String kubeconfig(Config config, String namespace, String token)
      throws java.io.IOException {
    String ca = config.getCaCertData();
    if (ca == null && config.getCaCertFile() != null) {
      ca = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(config.getCaCertFile())));
    }
    if (ca == null) {
      throw new IllegalStateException(
          "the host kubeconfig names no certificate authority: the agent could not check it is"
              + " talking to the host");
    }
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "# A join token for an aifabric pull member, made " + Instant.now() + ".",
        "clusters:",
        "- name: aifabric-host",
        "  cluster:",
        "    server: " + config.getMasterUrl(),
        "    certificate-authority-data: " + ca,
        "users:",
        "- name: joiner",
        "  user:",
        "    token: " + token,
        "contexts:",
        "- name: join",
        "  context:",
        "    cluster: aifabric-host",
        "    user: joiner",
        "    namespace: " + namespace,
        "current-context: join",
        "");
  }
}
