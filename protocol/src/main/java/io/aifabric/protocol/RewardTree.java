package io.aifabric.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One epoch's availability scores as the Merkle tree AvailabilityRewards checks claims against:
 * leaves {@code keccak256(keccak256(abi.encode(node, epoch, score)))}, inner nodes the keccak of
 * the two children in ascending order (OpenZeppelin's MerkleProof). Leaves are sorted by hash
 * before pairing, so every oracle that saw the same scores builds the same root, whatever order it
 * read them in — they sign independently and their signatures must agree.
 */
public final class RewardTree {
  /** A node's availability score in one epoch. */
  public record NodeScore(String node, long score) {
    public NodeScore {
      if (score <= 0) {
        throw new IllegalArgumentException("a node without a positive score gets no leaf: " + node);
      }
      node = (node.startsWith("0x") ? node : "0x" + node).toLowerCase(java.util.Locale.ROOT);
      Hex.decode(node, 20); // an address, or IllegalArgumentException
    }
  }

  private final long epoch;
  private final List<byte[][]> levels = new ArrayList<>();
  private final Map<String, Integer> leafIndex = new HashMap<>();
  private final Map<String, Long> scores = new HashMap<>();
  private final long totalScore;

  private RewardTree(long epoch, Collection<NodeScore> nodeScores) {
    this.epoch = epoch;
    List<byte[]> leaves = new ArrayList<>();
    long total = 0;
    for (NodeScore s : nodeScores) {
      if (scores.put(s.node(), s.score()) != null) {
        throw new IllegalArgumentException("node " + s.node() + " scored twice in epoch " + epoch);
      }
      total = Math.addExact(total, s.score());
      leaves.add(leaf(s.node(), epoch, s.score()));
    }
    if (leaves.isEmpty()) {
      throw new IllegalArgumentException("epoch " + epoch + " has no scores");
    }
    this.totalScore = total;
    byte[][] level = leaves.toArray(byte[][]::new);
    Arrays.sort(level, Arrays::compareUnsigned);
    for (int i = 0; i < level.length; i++) {
      leafIndex.put(Hex.encode(level[i]), i);
    }
    levels.add(level);
    while (level.length > 1) {
      byte[][] up = new byte[(level.length + 1) / 2][];
      for (int i = 0; i < up.length; i++) {
        // An odd node out moves up unchanged; MerkleProof then simply has no sibling for it.
        up[i] = 2 * i + 1 < level.length ? pair(level[2 * i], level[2 * i + 1]) : level[2 * i];
      }
      levels.add(up);
      level = up;
    }
  }

  public static RewardTree of(long epoch, Collection<NodeScore> scores) {
    return new RewardTree(epoch, scores);
  }

  public long epoch() {
    return epoch;
  }

  public byte[] root() {
    return levels.get(levels.size() - 1)[0].clone();
  }

  /** The sum of the scores: what a node's score is a share of. */
  public long totalScore() {
    return totalScore;
  }

  /** Every node's score, by address (0x, lowercase). */
  public java.util.SortedMap<String, Long> scores() {
    return java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(scores));
  }

  public long scoreOf(String node) {
    Long score = scores.get(new NodeScore(node, 1).node());
    if (score == null) {
      throw new IllegalArgumentException("node " + node + " has no score in epoch " + epoch);
    }
    return score;
  }

  /** The siblings from the node's leaf up to the root: the proof its claim carries. */
  public List<byte[]> proof(String node) {
    long score = scoreOf(node);
    int index = leafIndex.get(Hex.encode(leaf(new NodeScore(node, score).node(), epoch, score)));
    List<byte[]> proof = new ArrayList<>();
    for (int l = 0; l < levels.size() - 1; l++) {
      byte[][] level = levels.get(l);
      int sibling = index ^ 1;
      if (sibling < level.length) {
        proof.add(level[sibling].clone());
      }
      index /= 2;
    }
    return proof;
  }

  /** Whether the proof leads from the node's leaf to the root, as MerkleProof.verify decides. */
  public static boolean verify(
      byte[] root, String node, long epoch, long score, List<byte[]> proof) {
    byte[] hash = leaf(new NodeScore(node, score).node(), epoch, score);
    for (byte[] sibling : proof) {
      hash = pair(hash, sibling);
    }
    return Arrays.equals(hash, root);
  }

  static byte[] leaf(String node, long epoch, long score) {
    byte[] address = new byte[32];
    System.arraycopy(Hex.decode(node, 20), 0, address, 12, 20);
    return Keccak256.hash(Keccak256.hash(address, word(epoch), word(score)));
  }

  /** A non-negative number as an ABI uint256 word. */
  private static byte[] word(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("not a uint: " + value);
    }
    return java.nio.ByteBuffer.allocate(32).putLong(24, value).array();
  }

  private static byte[] pair(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) < 0 ? Keccak256.hash(a, b) : Keccak256.hash(b, a);
  }
}
