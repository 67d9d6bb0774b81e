package io.aifabric.protocol.seal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * A sealed stream's payload key, sealed again to one node's X25519 key so that the node can open
 * the stream for one job without the user's own key — only the key moves, never the data. The
 * user's CLI makes grants once a job is placed; whatever carries them (the host, the member's API
 * server) holds bytes that only that node opens.
 *
 * <p>A grant is bound (its HPKE {@code info}) to the network, the job's UID, the node and the
 * stream's content address: it does not open for another job, on another node, or as the key of
 * another stream.
 *
 * <p>Format (version 1): one byte {@code 1}, the 32-byte HPKE encapsulated key, then the payload
 * key sealed with HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305 (key
 * and a 16-byte tag). Info: the label {@code "aifabric key grant v1"}, then network id, job UID and
 * node name (each a u16 big-endian length and UTF-8), then the 32-byte content address.
 */
public final class KeyGrant {
  private static final byte VERSION = 1;
  private static final byte[] LABEL = "aifabric key grant v1".getBytes(StandardCharsets.UTF_8);
  private static final int ENC_BYTES = 32;

  private KeyGrant() {}

  /** What a grant is for: one job, on one node, for one stream. */
  public record Binding(String network, String jobUid, String node, byte[] contentAddress) {
    public Binding {
      BindingText.require("network id", network);
      BindingText.require("job UID", jobUid);
      BindingText.require("node name", node);
      if (contentAddress == null || contentAddress.length != 32) {
        throw new IllegalArgumentException("a content address is a 32-byte SHA-256");
      }
      contentAddress = contentAddress.clone();
    }

    @Override
    public byte[] contentAddress() {
      return contentAddress.clone();
    }

    byte[] info() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.write(LABEL);
        BindingText.write(out, network);
        BindingText.write(out, jobUid);
        BindingText.write(out, node);
        out.write(contentAddress);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }

  /** Seals {@code payloadKey} to the node's X25519 public key for {@code binding}. */
  public static byte[] wrap(
      byte[] payloadKey, byte[] nodePublicKey, Binding binding, SecureRandom random) {
    if (nodePublicKey.length != X25519KeyPair.KEY_BYTES) {
      throw new IllegalArgumentException("a node's X25519 public key has 32 bytes");
    }
    HPKE hpke = SealSuite.CHACHA20_POLY1305.hpke();
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
    HPKEContextWithEncapsulation context;
    byte[] sealed;
    try {
      context =
          hpke.setupBaseS(
              hpke.deserializePublicKey(nodePublicKey),
              binding.info(),
              new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral));
      sealed = context.seal(new byte[] {VERSION}, payloadKey);
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "the node's public key is not a usable X25519 key (a low-order point)", e);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("sealing a key grant failed", e);
    }
    byte[] grant = new byte[1 + ENC_BYTES + sealed.length];
    grant[0] = VERSION;
    System.arraycopy(context.getEncapsulation(), 0, grant, 1, ENC_BYTES);
    System.arraycopy(sealed, 0, grant, 1 + ENC_BYTES, sealed.length);
    return grant;
  }

  /**
   * The payload key a grant carries, for the node that holds {@code node}.
   *
   * @throws SealedOutputException when the grant is malformed, for another node's key, or for
   *     another job, node or stream than {@code binding}
   */
  public static byte[] unwrap(byte[] grant, X25519KeyPair node, Binding binding)
      throws SealedOutputException {
    if (grant.length < 1 + ENC_BYTES + ChunkCipher.TAG_BYTES || grant[0] != VERSION) {
      throw new SealedOutputException(
          "this is not a version-1 key grant (%d bytes)".formatted(grant.length));
    }
    HPKE hpke = SealSuite.CHACHA20_POLY1305.hpke();
    try {
      var context =
          hpke.setupBaseR(
              Arrays.copyOfRange(grant, 1, 1 + ENC_BYTES),
              hpke.deserializePrivateKey(node.secretKey(), node.publicKey()),
              binding.info());
      return context.open(
          new byte[] {VERSION}, Arrays.copyOfRange(grant, 1 + ENC_BYTES, grant.length));
    } catch (InvalidCipherTextException | IllegalStateException e) {
      throw new SealedOutputException(
          "the key grant does not open for node "
              + binding.node()
              + " and job "
              + binding.jobUid()
              + ": it is sealed to another node's key or for another job or stream");
    }
  }
}
