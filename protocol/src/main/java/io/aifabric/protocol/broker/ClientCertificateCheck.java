package io.aifabric.protocol.broker;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Whether a client certificate is one the broker will take for this username and key: issued by the
 * network's authority, subject CN = the username, for this very public key, and valid now and for a
 * while yet. The operator asks before issuing (it re-issues only what is missing, wrong or about to
 * expire); the agent asks before it puts a certificate in place.
 */
public final class ClientCertificateCheck {
  private ClientCertificateCheck() {}

  /**
   * Why this PEM text is not a good certificate for the username and key until {@code now +
   * margin}; empty when it is.
   */
  public static Optional<String> problem(
      String pem,
      X509Certificate authority,
      String username,
      PublicKey key,
      Instant now,
      Duration margin) {
    if (pem == null || pem.isBlank()) {
      return Optional.of("no certificate yet");
    }
    X509Certificate certificate;
    try {
      certificate = Pem.certificate(pem);
    } catch (IOException e) {
      return Optional.of("unreadable certificate: " + e.getMessage());
    }
    try {
      certificate.verify(authority.getPublicKey());
    } catch (GeneralSecurityException e) {
      return Optional.of("not issued by this network's broker authority");
    }
    if (!username.equals(commonName(certificate))) {
      return Optional.of("issued to " + commonName(certificate) + ", not " + username);
    }
    if (!Arrays.equals(certificate.getPublicKey().getEncoded(), key.getEncoded())) {
      return Optional.of("issued for another key than the node's broker key");
    }
    if (certificate.getNotBefore().after(Date.from(now))) {
      return Optional.of("not valid before " + certificate.getNotBefore().toInstant());
    }
    if (certificate.getNotAfter().before(Date.from(now.plus(margin)))) {
      return Optional.of("expires " + certificate.getNotAfter().toInstant());
    }
    return Optional.empty();
  }

  /** The certificate's subject CN: the username the broker takes it for. */
  public static String commonName(X509Certificate certificate) {
    RDN[] cn =
        X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded())
            .getRDNs(BCStyle.CN);
    return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
  }
}
