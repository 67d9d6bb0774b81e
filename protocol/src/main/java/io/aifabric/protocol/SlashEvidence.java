package io.aifabric.protocol;

/**
 * The evidence of one finding against a node, as NodeRegistry's {@code slash} takes it: keccak256
 * of {@code "aifabric/v1/slash"}, the finding's reason (u16 length + UTF-8) and the digest of the
 * node's own signed hardware report that shows it. The registry slashes each evidence once, so one
 * finding on one report is slashed once, whoever submits it and however often; a node that goes on
 * reporting hardware that contradicts its listing gives new evidence with each new report.
 */
public final class SlashEvidence {
  public static final String DOMAIN = "aifabric/v1/slash";

  private SlashEvidence() {}

  public static byte[] of(String reason, byte[] reportDigest) {
    if (reportDigest.length != 32) {
      throw new IllegalArgumentException(
          "a report digest has 32 bytes, not " + reportDigest.length);
    }
    return new CanonicalEncoder(DOMAIN).string(reason).bytes(reportDigest).digest();
  }
}
