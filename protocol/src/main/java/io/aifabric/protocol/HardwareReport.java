package io.aifabric.protocol;

import java.util.List;

/**
 * What a node agent measured of its GPUs, signed: for each GPU its UUID, the model and memory the
 * driver claims, the memory the agent could really allocate, and a timed benchmark's score. The
 * network compares it with what the node is listed as, and with every other node's GPU UUIDs.
 *
 * <p>Signed bytes: keccak256 of {@code "aifabric/v1/hardware"} (u16 length + UTF-8), node address
 * (20 bytes), measured-at in epoch milliseconds (u64), method (u16 length + UTF-8), GPU count
 * (u32), then per GPU: UUID and product (each u16 length + UTF-8), claimed MiB (u32), measured MiB
 * (u32), benchmark score (u64).
 *
 * @param method how it was measured: {@code cuda} on a GPU, {@code simulated} on a test bed node
 */
public record HardwareReport(
    EthAddress node, long measuredAtMillis, String method, List<Gpu> gpus) {
  public static final String DOMAIN = "aifabric/v1/hardware";

  public HardwareReport {
    gpus = List.copyOf(gpus);
  }

  /** One GPU's claim and measurement. */
  public record Gpu(String uuid, String product, int claimedMiB, int measuredMiB, long benchmark) {}

  public byte[] digest() {
    CanonicalEncoder e =
        new CanonicalEncoder(DOMAIN)
            .bytes(node.bytes())
            .u64(measuredAtMillis)
            .string(method)
            .u32(gpus.size());
    for (Gpu g : gpus) {
      e.string(g.uuid())
          .string(g.product())
          .u32(g.claimedMiB())
          .u32(g.measuredMiB())
          .u64(g.benchmark());
    }
    return e.digest();
  }

  public Signed sign(NodeKey key) {
    if (!key.address().equals(node)) {
      throw new IllegalArgumentException("a node signs only its own hardware report");
    }
    return new Signed(this, key.sign(digest()));
  }

  public record Signed(HardwareReport report, Signature signature) {}
}
