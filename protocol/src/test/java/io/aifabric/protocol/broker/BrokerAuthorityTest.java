package io.aifabric.protocol.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerAuthorityTest {
  final SecureRandom random = new SecureRandom();
  final BrokerAuthority authority = BrokerAuthority.create("test CA", Duration.ofDays(1), random);
  final KeyPair node = BrokerAuthority.newKeyPair(random);
  final Instant now = Instant.now();

  @Test
  void aNodesCertificateNamesItsAddressAndKeyAndPassesTheCheck() {
    String pem =
        Pem.encode(authority.issueClient("0xab", node.getPublic(), now, Duration.ofDays(30)));
    assertThat(
            ClientCertificateCheck.problem(
                pem, authority.certificate(), "0xab", node.getPublic(), now, Duration.ofDays(10)))
        .isEmpty();
  }

  @Test
  void eachWayACertificateCanBeWrongHasItsReason() {
    KeyPair other = BrokerAuthority.newKeyPair(random);
    BrokerAuthority rogue = BrokerAuthority.create("rogue", Duration.ofDays(1), random);
    String good =
        Pem.encode(authority.issueClient("0xab", node.getPublic(), now, Duration.ofDays(30)));
    assertThat(problem(null)).contains("no certificate yet");
    assertThat(problem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        .hasValueSatisfying(p -> assertThat(p).startsWith("unreadable certificate"));
    assertThat(
            problem(
                Pem.encode(rogue.issueClient("0xab", node.getPublic(), now, Duration.ofDays(30)))))
        .contains("not issued by this network's broker authority");
    assertThat(
            problem(
                Pem.encode(
                    authority.issueClient("0xcd", node.getPublic(), now, Duration.ofDays(30)))))
        .contains("issued to 0xcd, not 0xab");
    assertThat(
            problem(
                Pem.encode(
                    authority.issueClient("0xab", other.getPublic(), now, Duration.ofDays(30)))))
        .contains("issued for another key than the node's broker key");
    // Good for 30 days, checked with 40 days to go: due for renewal.
    assertThat(
            ClientCertificateCheck.problem(
                good, authority.certificate(), "0xab", node.getPublic(), now, Duration.ofDays(40)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("expires "));
  }

  @Test
  void anAuthorityWrittenAndLoadedIssuesCertificatesTheOriginalAccepts(@TempDir Path dir)
      throws Exception {
    authority.write(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca.key")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    BrokerAuthority loaded =
        BrokerAuthority.load(dir.resolve("ca.crt"), dir.resolve("ca.key"), random);
    String pem = Pem.encode(loaded.issueClient("0xab", node.getPublic(), now, Duration.ofDays(2)));
    assertThat(
            ClientCertificateCheck.problem(
                pem, authority.certificate(), "0xab", node.getPublic(), now, Duration.ZERO))
        .isEmpty();
  }

  @Test
  void aLeafCertificateIsNotAnAuthority(@TempDir Path dir) throws Exception {
    Pem.writePublic(
        dir.resolve("leaf.crt"),
        Pem.encode(authority.issueClient("0xab", node.getPublic(), now, Duration.ofDays(2))));
    Pem.writeSecret(dir.resolve("leaf.key"), Pem.encode(node.getPrivate()));
    assertThatThrownBy(
            () -> BrokerAuthority.load(dir.resolve("leaf.crt"), dir.resolve("leaf.key"), random))
        .hasMessageContaining("is not a CA certificate");
  }

  @Test
  void aBrokerKeyIsAP256KeyAndRoundTripsThroughItsScalar() throws Exception {
    byte[] spki = node.getPublic().getEncoded();
    assertThat(spki).hasSize(BrokerKeys.ENCODED_LENGTH);
    assertThat(BrokerKeys.decode(spki)).isEqualTo(node.getPublic());
    KeyPair back = BrokerKeyPair.fromScalar(BrokerKeyPair.scalar(node));
    assertThat(back.getPublic().getEncoded()).isEqualTo(spki);
    assertThat(back.getPrivate().getEncoded()).isEqualTo(node.getPrivate().getEncoded());

    KeyPairGenerator other = KeyPairGenerator.getInstance("EC");
    other.initialize(new ECGenParameterSpec("secp384r1"));
    assertThatThrownBy(() -> BrokerKeys.decode(other.generateKeyPair().getPublic().getEncoded()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("91 bytes");
    byte[] broken = spki.clone();
    broken[broken.length - 1] ^= 1; // no longer a point on the curve
    assertThatThrownBy(() -> BrokerKeys.decode(broken))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private java.util.Optional<String> problem(String pem) {
    return ClientCertificateCheck.problem(
        pem, authority.certificate(), "0xab", node.getPublic(), now, Duration.ZERO);
  }
}
