package io.aifabric.escrow.rewards;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an epoch stands given the oracles' genuine answers, each a signature on its own root or a
 * refusal: a root that {@code threshold} oracles signed is agreed; when the oracles that did not
 * answer yet could not lift any root to the threshold, no root ever will (the epoch is not posted
 * on a minority's view); otherwise it waits for more answers.
 *
 * @param signers per root (and total) signed, how many oracles signed it
 * @param refused how many oracles refused
 */
record RootQuorum(Map<String, Integer> signers, int refused, int oracles, int threshold) {
  /** What the answers decide. */
  sealed interface Decision {}

  /** {@code root} has its quorum. */
  record Agreed(String root, int signers) implements Decision {}

  /** No root can reach the threshold any more. */
  record Hopeless(boolean disagreed) implements Decision {}

  /** More answers may still bring a root to the threshold. */
  record Waiting(int best) implements Decision {}

  Decision decide() {
    Optional<Map.Entry<String, Integer>> agreed =
        signers.entrySet().stream().filter(r -> r.getValue() >= threshold).findFirst();
    if (agreed.isPresent()) {
      return new Agreed(agreed.get().getKey(), agreed.get().getValue());
    }
    int best = signers.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int answered = refused + signers.values().stream().mapToInt(Integer::intValue).sum();
    if (best + Math.max(0, oracles - answered) < threshold) {
      return new Hopeless(signers.size() > 1);
    }
    return new Waiting(best);
  }

  static RootQuorum of(
      Map<String, ? extends List<?>> signatures, int refused, int oracles, int threshold) {
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    signatures.forEach((root, s) -> counts.put(root, s.size()));
    return new RootQuorum(counts, refused, oracles, threshold);
  }
}
