package io.aifabric.escrow;

import io.aifabric.protocol.RewardTree;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * What the oracles sign to post an epoch's availability rewards: the epoch, the root of its {@link
 * RewardTree}, the sum of its scores, the reward it shares out (wei) and until when the signatures
 * count.
 */
public record EpochRewards(
    long epoch, byte[] root, long totalScore, BigInteger reward, long deadline) {
  private static final byte[] TYPEHASH =
      Hash.sha3(
          ("EpochRewards(uint64 epoch,bytes32 root,uint64 totalScore,uint128 reward,"
                  + "uint64 deadline)")
              .getBytes(StandardCharsets.UTF_8));

  public static EpochRewards of(RewardTree tree, BigInteger reward, long deadline) {
    return new EpochRewards(tree.epoch(), tree.root(), tree.totalScore(), reward, deadline);
  }

  /** The EIP-712 digest under an AvailabilityRewards deployment's domain. */
  public byte[] digest(ContractDomain domain) {
    return domain.digest(
        Hash.sha3(
            AbiWords.concat(
                TYPEHASH,
                AbiWords.uint(epoch),
                AbiWords.bytes32(root),
                AbiWords.uint(totalScore),
                AbiWords.uint(reward),
                AbiWords.uint(deadline))));
  }
}
