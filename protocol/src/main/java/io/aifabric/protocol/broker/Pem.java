package io.aifabric.protocol.broker;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text of broker certificates (X.509) and keys (PKCS#8), as Mosquitto and Vert.x read them;
 * files written whole and atomically, keys readable by their owner only.
 */
public final class Pem {
  private static final int MAX_PEM_CHARS = 16 * 1024;

  private Pem() {}

  public static String encode(X509Certificate certificate) {
    try {
      return write(new PemObject("CERTIFICATE", certificate.getEncoded()));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String encode(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first certificate in the text; a clear error for anything else. */
  public static X509Certificate certificate(String text) throws IOException {
    Object parsed = parse(text);
    if (!(parsed instanceof X509CertificateHolder holder)) {
      throw new IOException("not a PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException("not a readable certificate: " + e.getMessage(), e);
    }
  }

  public static PrivateKey privateKey(String text) throws IOException {
    Object parsed = parse(text);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    if (parsed instanceof PrivateKeyInfo info) {
      return converter.getPrivateKey(info);
    }
    if (parsed instanceof PEMKeyPair pair) {
      return converter.getKeyPair(pair).getPrivate();
    }
    throw new IOException("not a PEM private key");
  }

  /** Writes a certificate or CA file (world-readable: nothing secret in it). */
  public static void writePublic(Path file, String pem) throws IOException {
    writeAtomically(file, pem, "rw-r--r--");
  }

  /** Writes a private key file that only its owner can read. */
  public static void writeSecret(Path file, String pem) throws IOException {
    writeAtomically(file, pem, "rw-------");
  }

  private static void writeAtomically(Path file, String pem, String permissions)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // A reader (the MQTT client reconnecting) never sees half a file, and a key is never readable
    // by others, not even for a moment.
    Path tmp =
        Files.createTempFile(
            dir,
            ".pem",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    Files.writeString(tmp, pem);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static Object parse(String text) throws IOException {
    if (text == null || text.isBlank() || text.length() > MAX_PEM_CHARS) {
      throw new IOException("not PEM text (empty or over " + MAX_PEM_CHARS + " characters)");
    }
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object parsed = parser.readObject();
      if (parsed == null) {
        throw new IOException("no PEM object in the text");
      }
      return parsed;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException("malformed PEM: " + e.getMessage(), e);
    }
  }

  private static String write(PemObject object) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
