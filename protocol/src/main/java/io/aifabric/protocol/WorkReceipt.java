package io.aifabric.protocol;

/**
 * Proof-of-AI: a node says, signed, that it ran one replica of a job: for how long on how many
 * GPUs, how it ended, and the digest of what it produced.
 *
 * <p>Signed bytes: keccak256 of {@code "aifabric/v1/receipt"} (u16 length + UTF-8), job UID (u16
 * length + UTF-8), replica index (u32), node address (20 bytes), GPU-seconds (u64), exit code (u32,
 * two's complement), output digest (32 bytes), finished-at in epoch milliseconds (u64).
 */
public record WorkReceipt(
    String jobUid,
    int replica,
    EthAddress node,
    long gpuSeconds,
    int exitCode,
    byte[] outputDigest,
    long finishedAtMillis) {
  public static final String DOMAIN = "aifabric/v1/receipt";

  public WorkReceipt {
    if (outputDigest.length != 32) {
      throw new IllegalArgumentException("the output digest has 32 bytes");
    }
    outputDigest = outputDigest.clone();
    if (replica < 0 || gpuSeconds < 0) {
      throw new IllegalArgumentException("replica and GPU-seconds are never negative");
    }
  }

  public byte[] digest() {
    return new CanonicalEncoder(DOMAIN)
        .string(jobUid)
        .u32(replica)
        .bytes(node.bytes())
        .u64(gpuSeconds)
        .u32(exitCode)
        .bytes(outputDigest)
        .u64(finishedAtMillis)
        .digest();
  }

  @Override
  public byte[] outputDigest() {
    return outputDigest.clone();
  }

  public Signed sign(NodeKey key) {
    if (!key.address().equals(node)) {
      throw new IllegalArgumentException("a node signs only its own receipts");
    }
    return new Signed(this, key.sign(digest()));
  }

  public record Signed(WorkReceipt receipt, Signature signature) {}
}
