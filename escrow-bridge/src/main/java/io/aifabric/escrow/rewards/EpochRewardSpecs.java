package io.aifabric.escrow.rewards;

import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.EpochRewardSpec;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.EpochRewards;
import java.math.BigInteger;
import org.web3j.utils.Numeric;

/**
 * An EpochReward's spec and an oracle's answer to it as the EIP-712 message that oracle signed: the
 * spec's epoch, reward and deadline with the root and total the answer states (each oracle's own
 * table). A refusal states none; it is signed over the same message with a zero root, so it too is
 * bound to this epoch, reward and deadline.
 */
final class EpochRewardSpecs {
  private static final byte[] NO_ROOT = new byte[32];

  private EpochRewardSpecs() {}

  /**
   * @throws IllegalArgumentException when a field cannot be what the contract takes
   */
  static EpochRewards rewards(EpochRewardSpec spec, byte[] root, long totalScore) {
    if (root.length != 32 || totalScore < 0) {
      throw new IllegalArgumentException("a root is 32 bytes and a total score not negative");
    }
    try {
      return new EpochRewards(
          spec.getEpoch(), root, totalScore, new BigInteger(spec.getReward()), spec.getDeadline());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an epoch the contract takes: " + e.getMessage(), e);
    }
  }

  /**
   * What the answer's signature covers.
   *
   * @throws IllegalArgumentException when the answer states a root that is not one
   */
  static byte[] digestOf(EpochRewardSpec spec, Attestation answer, ContractDomain domain) {
    return rewards(spec, rootOf(answer), totalOf(answer)).digest(domain);
  }

  static byte[] rootOf(Attestation answer) {
    if (answer.getRoot() == null) {
      return NO_ROOT;
    }
    try {
      return Numeric.hexStringToByteArray(answer.getRoot());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a root: " + answer.getRoot(), e);
    }
  }

  static long totalOf(Attestation answer) {
    return answer.getTotalScore() == null ? 0 : answer.getTotalScore();
  }
}
