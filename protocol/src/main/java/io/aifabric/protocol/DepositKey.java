package io.aifabric.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The JobEscrow key of an AIJob's deposit, derived from the job's identity on the network, so that
 * a deposit names exactly one job: the EIP-712 struct hash of {@code AIJobDeposit(string network,
 * string namespace, string name, string uid)}. The UID makes a re-created job (same name) a new
 * job; the network id keeps two networks that share one escrow apart. Nobody chooses the key: the
 * operator shows it in the job's status for the payer to deposit under, and every oracle derives it
 * again from the job itself rather than reading it anywhere.
 */
public final class DepositKey {
  private static final byte[] TYPEHASH =
      Keccak256.hash(
          "AIJobDeposit(string network,string namespace,string name,string uid)"
              .getBytes(StandardCharsets.UTF_8));

  private DepositKey() {}

  /** The 32-byte key. */
  public static byte[] of(String network, String namespace, String name, String uid) {
    return Keccak256.hash(TYPEHASH, text(network), text(namespace), text(name), text(uid));
  }

  /** The key as 0x and 64 hex digits, as status and the CLI show it. */
  public static String hex(String network, String namespace, String name, String uid) {
    return Hex.encode(of(network, namespace, name, uid));
  }

  private static byte[] text(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          "a deposit key needs a network id, namespace, name and UID");
    }
    return Keccak256.hash(value.getBytes(StandardCharsets.UTF_8));
  }
}
