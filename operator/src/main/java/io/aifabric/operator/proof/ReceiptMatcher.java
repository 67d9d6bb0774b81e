package io.aifabric.operator.proof;

import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Keccak256;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Picks each replica's receipt: signed by the node that replica ran on (the job's placement), one
 * per replica. A receipt from a node that did not run that replica is refused: a node cannot claim
 * pay for work it did not do.
 */
public final class ReceiptMatcher {
  /** Receipts by replica (null where none yet), and the ones refused. */
  public record Match(List<WorkReceipts.Signed> byReplica, List<WorkReceipts.Signed> refused) {
    public int count() {
      return (int) byReplica.stream().filter(r -> r != null).count();
    }

    public boolean complete() {
      return !byReplica.isEmpty() && count() == byReplica.size();
    }

    /** keccak256 over the receipts' digests in replica order: what settlement attests to. */
    public String digest() {
      byte[][] parts =
          byReplica.stream()
              .filter(r -> r != null)
              .map(r -> r.receipt().digest())
              .toArray(byte[][]::new);
      return Hex.encode(Keccak256.hash(parts));
    }
  }

  private ReceiptMatcher() {}

  /**
   * @param nodes the node each replica ran on, by replica index
   */
  public static Match match(
      String cluster, List<String> nodes, List<WorkReceipts.Signed> receipts) {
    WorkReceipts.Signed[] byReplica = new WorkReceipts.Signed[nodes.size()];
    List<WorkReceipts.Signed> refused = new ArrayList<>();
    for (WorkReceipts.Signed signed : receipts) {
      int replica = signed.receipt().replica();
      boolean ranHere =
          replica >= 0
              && replica < nodes.size()
              && nodes.get(replica) != null
              && signed.computeNode().equals(cluster + "." + nodes.get(replica));
      if (!ranHere) {
        refused.add(signed);
      } else if (byReplica[replica] == null) {
        byReplica[replica] = signed;
      }
    }
    return new Match(Arrays.asList(byReplica), refused);
  }
}
