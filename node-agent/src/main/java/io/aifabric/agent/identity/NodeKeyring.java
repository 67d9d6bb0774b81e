package io.aifabric.agent.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.BrokerKeyPair;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.Set;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.jboss.logging.Logger;

/**
 * The node's keys: a secp256k1 key (its Ethereum address; it signs everything the node says), an
 * X25519 key (what results for this node are sealed to) and a P-256 key (its TLS identity at the
 * network's broker, whose certificate the host issues for the key the registration names). Created
 * on first start and kept in a file only the agent's user may read; the same keys on every later
 * start (a key file from before the broker key gets one added). Nothing here ever prints a private
 * key: {@link #toString()} shows the address.
 */
public final class NodeKeyring {
  private static final Logger LOG = Logger.getLogger(NodeKeyring.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final NodeKey signingKey;
  private final X25519PrivateKeyParameters exchangeKey;
  private final KeyPair brokerKey;

  private NodeKeyring(
      NodeKey signingKey, X25519PrivateKeyParameters exchangeKey, KeyPair brokerKey) {
    this.signingKey = signingKey;
    this.exchangeKey = exchangeKey;
    this.brokerKey = brokerKey;
  }

  /** Loads the node's keys from the file, creating both (and the file) the first time. */
  public static NodeKeyring loadOrCreate(Path file, SecureRandom random) throws IOException {
    if (Files.exists(file)) {
      tightenPermissions(file);
      var node = JSON.readTree(file.toFile());
      if (node == null || node.get("secp256k1") == null || node.get("x25519") == null) {
        throw new IOException(file + " is not an aifabric key file (secp256k1, x25519)");
      }
      NodeKeyring loaded;
      try {
        loaded =
            new NodeKeyring(
                NodeKey.fromPrivateBytes(Hex.decode(node.get("secp256k1").asText(), 32)),
                new X25519PrivateKeyParameters(Hex.decode(node.get("x25519").asText(), 32), 0),
                node.hasNonNull("p256")
                    ? brokerKeyOf(node.get("p256").asText())
                    : BrokerAuthority.newKeyPair(random));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " holds an unreadable key: " + e.getMessage());
      }
      if (!node.hasNonNull("p256")) {
        loaded.write(file);
        LOG.infof("added a broker key to the node's key file %s", file);
      }
      return loaded;
    }
    NodeKeyring created =
        new NodeKeyring(
            NodeKey.generate(random),
            new X25519PrivateKeyParameters(random),
            BrokerAuthority.newKeyPair(random));
    created.write(file);
    LOG.infof("created the node's keys: address %s, key file %s", created.address(), file);
    return created;
  }

  public EthAddress address() {
    return signingKey.address();
  }

  public NodeKey signingKey() {
    return signingKey;
  }

  public byte[] x25519PublicKey() {
    return exchangeKey.generatePublicKey().getEncoded();
  }

  /** The X25519 key pair that key grants for this node are sealed to. */
  public X25519KeyPair exchangeKeyPair() {
    return new X25519KeyPair(x25519PublicKey(), exchangeKey.getEncoded());
  }

  /** The P-256 key pair the node presents to the broker (TLS client authentication). */
  public KeyPair brokerKey() {
    return brokerKey;
  }

  /** The node's signed introduction of its keys, for the cluster and node it runs on. */
  public NodeRegistration.Signed register(String cluster, String nodeName, long nowMillis) {
    return new NodeRegistration(
            cluster,
            nodeName,
            signingKey.publicKey(),
            x25519PublicKey(),
            brokerKey.getPublic().getEncoded(),
            nowMillis)
        .sign(signingKey);
  }

  private static KeyPair brokerKeyOf(String scalarHex) {
    return BrokerKeyPair.fromScalar(Hex.decode(scalarHex, 32));
  }

  @Override
  public String toString() {
    return "NodeKeyring[" + address() + "]";
  }

  private void write(Path file) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", 1);
    node.put("address", address().checksummed());
    node.put("secp256k1", Hex.encode(signingKey.privateBytes()));
    node.put("x25519", Hex.encode(exchangeKey.getEncoded()));
    node.put("p256", Hex.encode(BrokerKeyPair.scalar(brokerKey)));
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // Written whole under a temporary name with owner-only permissions from the start, then moved
    // into place: a crash never leaves a half-written or world-readable key file.
    Path tmp =
        Files.createTempFile(
            dir, ".keys", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void tightenPermissions(Path file) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(perms)) {
      LOG.warnf(
          "%s was readable by others (%s): now owner-only",
          file, PosixFilePermissions.toString(perms));
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }
}
