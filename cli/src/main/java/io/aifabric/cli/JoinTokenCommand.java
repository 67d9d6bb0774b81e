package io.aifabric.cli;

import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.protocol.broker.Pem;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
  private static final Duration REJOIN_WAIT = Duration.ofSeconds(60);

  /** Longer than kube-apiserver caches a token's authentication (10 s). */
  private static final Duration TOKEN_CACHE = Duration.ofSeconds(12);

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
      names = "--rejoin",
      description =
          "For a member whose agent has joined: revoke the agent's identity on the host (every"
              + " token of it, e.g. one that expired while the agent was off, or one that may have"
              + " leaked) and issue a join token for it to join again. The member is lost until"
              + " its agent is back.")
  boolean rejoin;

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
      if (rejoin && joiner(client, ns) == null) {
        revokeAgent(client, ns);
      }
      if (joiner(client, ns) == null) {
        throw new IllegalArgumentException(
            "member "
                + member
                + " takes no join token: its agent has joined already (to let it join again with"
                + " a new identity: --rejoin), or the operator has not prepared "
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
                  + " (--set-file memberAgent.joinKubeconfig=%s; for a re-join, helm upgrade"
                  + " with it restarts the agent).%n",
              member, out, issued.getStatus().getExpirationTimestamp(), out.getFileName());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private static ServiceAccount joiner(KubernetesClient client, String ns) {
    return client.serviceAccounts().inNamespace(ns).withName(PullMember.JOINER).get();
  }

  /**
   * Revokes the joined agent's identity: its RoleBinding deleted (its rights go at once) and its
   * ServiceAccount (a token is bound to the account's UID, so every token of it dies). The API
   * server may still take an old token from its token cache for a few seconds, with no rights
   * behind it; once that is over the Lease is deleted, which tells the operator to prepare joining
   * again (the agent's identity anew, the joiner) — a running old agent can then no longer put its
   * Lease back and pass for joined. Waits for the joiner.
   */
  private void revokeAgent(KubernetesClient client, String ns) {
    client.rbac().roleBindings().inNamespace(ns).withName(PullMember.AGENT).delete();
    client.serviceAccounts().inNamespace(ns).withName(PullMember.AGENT).delete();
    spec.commandLine()
        .getOut()
        .printf(
            "revoked the identity of pull member %s's agent; reopening joining in %d s (the API"
                + " server's token cache)%n",
            member, TOKEN_CACHE.toSeconds());
    spec.commandLine().getOut().flush();
    try {
      Thread.sleep(TOKEN_CACHE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted before joining was reopened; run this again", e);
    }
    client.leases().inNamespace(ns).withName(PullMember.AGENT).delete();
    try {
      client
          .serviceAccounts()
          .inNamespace(ns)
          .withName(PullMember.JOINER)
          .waitUntilCondition(Objects::nonNull, REJOIN_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      throw new IllegalStateException(
          "the operator did not prepare "
              + ns
              + " for joining within "
              + REJOIN_WAIT.toSeconds()
              + " s; is it running? (the agent's old identity is revoked; run this again)",
          e);
    }
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
