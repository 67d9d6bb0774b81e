package io.aifabric.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AuthProviderConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

class CertificateOnlyAuthTest {
  private final CertificateOnlyAuth customizer = new CertificateOnlyAuth();

  @Test
  void aCertificateOnlyConfigGetsATokenProviderWithoutAToken() {
    Config config = certificate().build();
    customizer.customize(config);
    assertThat(config.getOauthTokenProvider()).isNotNull();
    assertThat(config.getOauthTokenProvider().getToken()).isNull();
  }

  @Test
  void everyConfigThatCarriesATokenOrAnotherCredentialKeepsFabric8sRefresh() {
    Config token = certificate().withOauthToken("t").build();
    Config autoToken = certificate().build();
    autoToken.setAutoOAuthToken("from-a-service-account-or-an-exec-plugin");
    AuthProviderConfig oidc = new AuthProviderConfig();
    oidc.setName("oidc");
    Config provider = certificate().withAuthProvider(oidc).build();
    Config basic = certificate().withUsername("u").withPassword("p").build();
    Config noCertificate = new ConfigBuilder(Config.empty()).withMasterUrl("https://h").build();
    for (Config config : new Config[] {token, autoToken, provider, basic, noCertificate}) {
      customizer.customize(config);
      assertThat(config.getOauthTokenProvider()).isNull();
    }
  }

  private static ConfigBuilder certificate() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl("https://h")
        .withClientCertData("Y2VydA==")
        .withClientKeyData("a2V5");
  }
}
