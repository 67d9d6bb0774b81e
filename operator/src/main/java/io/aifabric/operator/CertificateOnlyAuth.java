package io.aifabric.operator;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * A host kubeconfig that authenticates with a client certificate only has no token to refresh, yet
 * Fabric8 7.4's {@code TokenRefreshInterceptor}, finding none, never records a refresh and so
 * re-reads and parses the kubeconfig on every request after its first minute (seen profiling the
 * scheduler extender: two thirds of a request's CPU). For such a config a token provider that has
 * no token either ends that: the interceptor asks it instead of the files. Configs with a token (a
 * ServiceAccount's in a pod, an exec plugin's), an auth provider or basic auth keep Fabric8's
 * refresh untouched.
 */
@Singleton
public class CertificateOnlyAuth implements KubernetesConfigCustomizer {
  private static final Logger LOG = Logger.getLogger(CertificateOnlyAuth.class);

  @Override
  public void customize(Config config) {
    if (certificateOnly(config)) {
      config.setOauthTokenProvider(() -> null);
      LOG.info("the host kubeconfig authenticates with a client certificate: no token to refresh");
    }
  }

  static boolean certificateOnly(Config config) {
    return (present(config.getClientCertFile()) || present(config.getClientCertData()))
        && !present(config.getOauthToken())
        && !present(config.getAutoOAuthToken())
        && config.getOauthTokenProvider() == null
        && config.getAuthProvider() == null
        && !present(config.getUsername());
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }
}
