package io.aifabric.escrow.relayer;

/**
 * What the chain says about an action the relayer takes there, whoever sent it.
 *
 * @param <D> what the action records of where it landed (jobs settled, stake taken)
 */
public sealed interface Landing<D> {
  /** Not done on chain: a transaction is still needed. */
  record NotYet<D>() implements Landing<D> {}

  /** Done on chain, but the node's logs do not show where yet (they lag its state a moment). */
  record Lagging<D>() implements Landing<D> {}

  /** Done, by the transaction at this block. */
  record Landed<D>(String txHash, long blockNumber, String blockHash, D detail)
      implements Landing<D> {}

  /** Something else took the action's place on chain (another batch under its nonce). */
  record Taken<D>(String message) implements Landing<D> {}

  /** Whether the chain shows the action done (or its place taken): no transaction may be sent. */
  default boolean settled() {
    return !(this instanceof NotYet<D>);
  }
}
