package io.aifabric.operator.stake;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * What AvailabilityRewards' events up to a block say: the epochs posted (root, total score, reward)
 * and each node's claims. Part of {@link RegistryView}'s ledger, read with the registry's events in
 * the same {@code eth_getLogs} and replaced with it after a reorg.
 */
final class RewardsLedger {
  static final String EPOCH_POSTED =
      RegistryView.topic("EpochPosted(uint64,bytes32,uint256,uint256)");
  static final String REWARD_CLAIMED =
      RegistryView.topic("RewardClaimed(uint64,address,address,uint64,uint256)");

  /** An epoch as its EpochPosted event records it. */
  record Posted(long epoch, String root, long totalScore, BigInteger reward) {}

  /** A node's claim as its RewardClaimed event records it. */
  record Claim(long epoch, long score, BigInteger amount, String transaction, long block) {}

  private final Map<Long, Posted> posted = new ConcurrentHashMap<>();
  private final Map<String, Map<Long, Claim>> claims = new ConcurrentHashMap<>();

  void apply(Log log) {
    List<String> topics = log.getTopics();
    String data = Numeric.cleanHexPrefix(log.getData());
    if (topics.size() < 2) {
      return;
    }
    String kind = topics.get(0).toLowerCase(Locale.ROOT);
    if (kind.equals(EPOCH_POSTED) && data.length() >= 192) {
      long epoch = Numeric.toBigInt(topics.get(1)).longValueExact();
      posted.put(
          epoch,
          new Posted(
              epoch,
              "0x" + data.substring(0, 64).toLowerCase(Locale.ROOT),
              new BigInteger(data.substring(64, 128), 16).longValueExact(),
              new BigInteger(data.substring(128, 192), 16)));
    } else if (kind.equals(REWARD_CLAIMED) && topics.size() >= 3 && data.length() >= 128) {
      long epoch = Numeric.toBigInt(topics.get(1)).longValueExact();
      String node = RegistryView.address(topics.get(2));
      claims
          .computeIfAbsent(node, n -> new ConcurrentHashMap<>())
          .put(
              epoch,
              new Claim(
                  epoch,
                  new BigInteger(data.substring(0, 64), 16).longValueExact(),
                  new BigInteger(data.substring(64, 128), 16),
                  log.getTransactionHash(),
                  log.getBlockNumber().longValueExact()));
    }
  }

  /** The latest {@code count} epochs posted, newest first. */
  List<Posted> latest(int count) {
    return posted.values().stream()
        .sorted(Comparator.comparingLong(Posted::epoch).reversed())
        .limit(count)
        .toList();
  }

  Optional<Claim> claim(String node, long epoch) {
    return Optional.ofNullable(claims.getOrDefault(node, Map.of()).get(epoch));
  }
}
