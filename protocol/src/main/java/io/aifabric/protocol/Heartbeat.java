package io.aifabric.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Proof-of-Availability: a node says, signed, that it is up and what its GPUs are doing.
 *
 * <p>Signed bytes: keccak256 of {@code "aifabric/v1/heartbeat"} (u16 length + UTF-8), node address
 * (20 bytes), sequence (u64), timestamp in epoch milliseconds (u64), telemetry digest (32 bytes,
 * keccak256 of the telemetry text), agent version (u16 length + UTF-8).
 *
 * @param sequence strictly increasing per node: a receiver refuses any it has seen
 * @param telemetry one line per GPU, {@code uuid,utilization%,temperatureC,memoryUsedMiB},
 *     separated by ';' (its digest is what is signed)
 */
public record Heartbeat(
    EthAddress node, long sequence, long timestampMillis, String telemetry, String agentVersion) {
  public static final String DOMAIN = "aifabric/v1/heartbeat";

  public byte[] telemetryDigest() {
    return Keccak256.hash(telemetry.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] digest() {
    return new CanonicalEncoder(DOMAIN)
        .bytes(node.bytes())
        .u64(sequence)
        .u64(timestampMillis)
        .bytes(telemetryDigest())
        .string(agentVersion)
        .digest();
  }

  public Signed sign(NodeKey key) {
    if (!key.address().equals(node)) {
      throw new IllegalArgumentException("a node signs only its own heartbeats");
    }
    return new Signed(this, key.sign(digest()));
  }

  /** A heartbeat with its node's signature, as it travels. */
  public record Signed(Heartbeat heartbeat, Signature signature) {}
}
