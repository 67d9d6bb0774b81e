package io.aifabric.escrow.relayer;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which jobs of a batch that lost its quorum stay out of later batches. An oracle signs a whole
 * batch or refuses it, so one job every oracle refuses (a forged receipt) sinks the jobs beside it.
 * A job refused by so many oracles that it could not reach the threshold even on its own is left
 * out; a job only a minority refused (an oracle whose broker connection was behind its receipt, or
 * whose view differs) goes into the next batch, where those oracles judge it again and the others'
 * signatures can carry it. When no job explains the lost quorum on its own (different oracles
 * refused different jobs), every refused job is left out, so that the next batch can settle the
 * rest: each abandoned batch leaves at least one job out, and batches never go round in a circle.
 */
final class RefusalTally {
  private RefusalTally() {}

  /**
   * @param refusedByOracle for each refusing oracle, the UIDs of the jobs it refused
   * @param oracles how many oracles the escrow has
   * @param threshold signatures the escrow needs
   * @return the UIDs to leave out of later batches, in the order first refused
   */
  static Set<String> leftOut(Collection<List<String>> refusedByOracle, int oracles, int threshold) {
    Map<String, Integer> refusals = new HashMap<>();
    Set<String> all = new LinkedHashSet<>();
    for (List<String> jobs : refusedByOracle) {
      for (String job : new LinkedHashSet<>(jobs)) {
        refusals.merge(job, 1, Integer::sum);
        all.add(job);
      }
    }
    Set<String> hopeless = new LinkedHashSet<>();
    for (String job : all) {
      if (oracles - refusals.get(job) < threshold) {
        hopeless.add(job);
      }
    }
    return hopeless.isEmpty() ? all : hopeless;
  }
}
