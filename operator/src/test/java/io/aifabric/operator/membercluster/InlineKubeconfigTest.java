package io.aifabric.operator.membercluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A provider's kubeconfig may carry inline credentials and nothing the host would run or read. */
class InlineKubeconfigTest {
  private static final String CA = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==";

  @TempDir Path dir;

  @Test
  void inlineTokenAndCertificateDataAreAccepted() {
    assertThatCode(() -> InlineKubeconfig.check(kubeconfig("token: abc", "")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                InlineKubeconfig.check(
                    kubeconfig(
                        "client-certificate-data: " + CA + "\n      client-key-data: " + CA,
                        "\n    tls-server-name: member.example")))
        .doesNotThrowAnyException();
  }

  @Test
  void anExecPluginIsRefusedBeforeFabric8CouldRunIt() throws Exception {
    Path marker = dir.resolve("ran");
    String exec = execKubeconfig(marker);
    assertThatThrownBy(() -> InlineKubeconfig.check(exec))
        .isInstanceOf(InlineKubeconfig.UnsafeKubeconfigException.class)
        .hasMessageStartingWith("users[provider].user.exec is not accepted");
    assertThat(marker).doesNotExist();

    // What the check prevents: Fabric8 runs the plugin as it parses the kubeconfig.
    Config.fromKubeconfig(exec);
    assertThat(marker).exists();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "users[provider].user.auth-provider | auth-provider: {name: oidc, config: {}}",
        "users[provider].user.client-certificate | client-certificate: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
        "users[provider].user.client-key | client-key: /etc/ssl/private/host.key",
        "users[provider].user.tokenFile | tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token",
        "users[provider].user.username | username: admin",
        "users[provider].user.as | as: system:admin",
      })
  void everyWayToMakeTheHostRunOrReadSomethingIsRefusedByName(String field, String user) {
    assertThatThrownBy(() -> InlineKubeconfig.check(kubeconfig(user, "")))
        .isInstanceOf(InlineKubeconfig.UnsafeKubeconfigException.class)
        .hasMessageStartingWith(field + " is not accepted");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "clusters[member].cluster.certificate-authority | certificate-authority: /etc/kubernetes/pki/ca.crt",
        "clusters[member].cluster.proxy-url | proxy-url: http://127.0.0.1:8080",
        "clusters[member].cluster.insecure-skip-tls-verify | insecure-skip-tls-verify: true",
      })
  void clusterFieldsThatReadFilesOrWeakenTlsAreRefused(String field, String cluster) {
    assertThatThrownBy(() -> InlineKubeconfig.check(kubeconfig("token: abc", "\n    " + cluster)))
        .isInstanceOf(InlineKubeconfig.UnsafeKubeconfigException.class)
        .hasMessageStartingWith(field + " is not accepted");
  }

  @Test
  void notAKubeconfigIsInvalidNotUnsafe() {
    assertThatThrownBy(() -> InlineKubeconfig.check("this is not yaml: ["))
        .isInstanceOf(MemberClients.InvalidKubeconfigException.class);
    assertThatThrownBy(() -> InlineKubeconfig.check("users: 42"))
        .isInstanceOf(InlineKubeconfig.UnsafeKubeconfigException.class)
        .hasMessage("users is not a list");
  }

  private String execKubeconfig(Path marker) {
    return kubeconfig(
        """
        exec:
                apiVersion: client.authentication.k8s.io/v1
                command: sh
                args:
                - -c
                - 'touch %s; echo "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"t\\"}}"'
                interactiveMode: Never"""
            .formatted(marker),
        "");
  }

  private static String kubeconfig(String user, String cluster) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: member
          cluster:
            server: https://127.0.0.1:6443
            certificate-authority-data: %s%s
        contexts:
        - name: member
          context: {cluster: member, user: provider}
        current-context: member
        users:
        - name: provider
          user:
              %s
        """
        .formatted(CA, cluster, user);
  }
}
