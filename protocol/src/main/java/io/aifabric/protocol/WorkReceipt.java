package io.aifabric.protocol;

/**
 * Proof-of-AI: a node says, signed, that it ran one replica of a job: for how long on how many
 * GPUs, how it ended, and what it produced.
 *
 * <p>What it produced comes in one of two forms. For a job with {@code spec.encryption} the output
 * is sealed to the user's key in the pod and uploaded to the member's object store: the digest is
 * then the sealed output's content address (SHA-256 of every sealed byte) and {@code sealedBytes}
 * its size, so whoever fetches it can check that it is what the node signed for. For a job without
 * encryption nothing leaves the node: the digest is the job's own (its termination message) and
 * {@code sealedBytes} is {@link #NOT_SEALED}.
 *
 * <p>Signed bytes: keccak256 of {@code "aifabric/v1/receipt"} (u16 length + UTF-8), job UID (u16
 * length + UTF-8), replica index (u32), node address (20 bytes), GPU-seconds (u64), exit code (u32,
 * two's complement), output digest (32 bytes), finished-at in epoch milliseconds (u64), output kind
 * (u32: 0 the job's own digest, 1 a sealed output), sealed bytes (u64, 0 when not sealed).
 */
public record WorkReceipt(
    String jobUid,
    int replica,
    EthAddress node,
    long gpuSeconds,
    int exitCode,
    byte[] outputDigest,
    long finishedAtMillis,
    long sealedBytes) {
  public static final String DOMAIN = "aifabric/v1/receipt";

  /** {@link #sealedBytes()} of a receipt whose job had no output sealed. */
  public static final long NOT_SEALED = -1;

  public WorkReceipt {
    if (outputDigest.length != 32) {
      throw new IllegalArgumentException("the output digest has 32 bytes");
    }
    outputDigest = outputDigest.clone();
    if (replica < 0 || gpuSeconds < 0) {
      throw new IllegalArgumentException("replica and GPU-seconds are never negative");
    }
    if (sealedBytes < NOT_SEALED) {
      throw new IllegalArgumentException("a sealed output's size is never negative");
    }
  }

  /** A receipt for a job whose output was not sealed: the digest is the job's own. */
  public WorkReceipt(
      String jobUid,
      int replica,
      EthAddress node,
      long gpuSeconds,
      int exitCode,
      byte[] outputDigest,
      long finishedAtMillis) {
    this(jobUid, replica, node, gpuSeconds, exitCode, outputDigest, finishedAtMillis, NOT_SEALED);
  }

  /** True when the digest is the content address of a sealed output in the member's store. */
  public boolean sealed() {
    return sealedBytes != NOT_SEALED;
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
        .u32(sealed() ? 1 : 0)
        .u64(sealed() ? sealedBytes : 0)
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
