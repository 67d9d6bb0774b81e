package io.aifabric.protocol.broker;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The network broker's certificate authority: it issues the TLS certificates every MQTT client and
 * the broker itself present. The broker takes a client's certificate subject (CN) as its username
 * ({@code use_identity_as_username}), and its ACL lets a username publish only under its own
 * topics, so a certificate for CN = a node's address is that node's right to speak, and nobody
 * else's.
 *
 * <p>The host operator holds the authority's key and issues a node's certificate only after the
 * node's registration is verified (signed by the node key, put on its Node by the member): the
 * public key it certifies is the broker key that registration names, whose private half never
 * leaves the node. Services (operator, oracles, relayer) get certificates with role names from the
 * network's administrator ({@link BrokerIdentities}).
 */
public final class BrokerAuthority {
  private static final String SIGNATURE = "SHA256withECDSA";

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final SecureRandom random;

  private BrokerAuthority(X509Certificate certificate, PrivateKey key, SecureRandom random) {
    this.certificate = certificate;
    this.key = key;
    this.random = random;
  }

  /** A new authority with a self-signed P-256 root (test beds, the local network). */
  public static BrokerAuthority create(String name, Duration validity, SecureRandom random) {
    KeyPair pair = newKeyPair(random);
    X500Name subject = subject(name);
    try {
      X509v3CertificateBuilder builder =
          builder(subject, subject, pair.getPublic(), Instant.now(), validity, random);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new BrokerAuthority(sign(builder, pair.getPrivate()), pair.getPrivate(), random);
    } catch (CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The authority whose certificate and PKCS#8 key are in these PEM files. */
  public static BrokerAuthority load(Path certificateFile, Path keyFile, SecureRandom random)
      throws IOException {
    X509Certificate certificate = Pem.certificate(Files.readString(certificateFile));
    PrivateKey key = Pem.privateKey(Files.readString(keyFile));
    if (certificate.getBasicConstraints() < 0) {
      throw new IOException(certificateFile + " is not a CA certificate");
    }
    return new BrokerAuthority(certificate, key, random);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the authority's certificate and key as PEM (the key owner-only). */
  public void write(Path certificateFile, Path keyFile) throws IOException {
    Pem.writePublic(certificateFile, Pem.encode(certificate));
    Pem.writeSecret(keyFile, Pem.encode(key));
  }

  /** A client certificate: subject CN = {@code username}, for TLS client authentication only. */
  public X509Certificate issueClient(String username, PublicKey key, Instant now, Duration valid) {
    return issue(username, key, now, valid, KeyPurposeId.id_kp_clientAuth, List.of());
  }

  /** The broker's own certificate, valid for these host names and IP addresses. */
  public X509Certificate issueServer(
      String name, PublicKey key, List<String> hosts, Duration valid) {
    return issue(name, key, Instant.now(), valid, KeyPurposeId.id_kp_serverAuth, hosts);
  }

  private X509Certificate issue(
      String name,
      PublicKey subjectKey,
      Instant now,
      Duration validity,
      KeyPurposeId purpose,
      List<String> hosts) {
    try {
      X509v3CertificateBuilder builder =
          builder(
              X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
              subject(name),
              subjectKey,
              now,
              validity,
              random);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (!hosts.isEmpty()) {
        GeneralName[] names =
            hosts.stream()
                .map(
                    h ->
                        h.matches("[0-9.]+|.*:.*")
                            ? new GeneralName(GeneralName.iPAddress, h)
                            : new GeneralName(GeneralName.dNSName, h))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return sign(builder, key);
    } catch (CertIOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A fresh P-256 key pair (what every broker identity and the authority use). */
  public static KeyPair newKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no P-256", e);
    }
  }

  private static X500Name subject(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "aifabric")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  /** Valid from five minutes ago (clocks differ a little) for {@code validity}; a random serial. */
  private static X509v3CertificateBuilder builder(
      X500Name issuer,
      X500Name subject,
      PublicKey key,
      Instant now,
      Duration validity,
      SecureRandom random) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        serial(random),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key)));
    } catch (OperatorCreationException | java.security.cert.CertificateException e) {
      throw new IllegalStateException("could not sign a broker certificate", e);
    }
  }
}
