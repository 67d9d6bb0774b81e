package io.aifabric.escrow.rewards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.protocol.RewardTree;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * {@code GET /rewards/epochs/<epoch>}: this oracle's table of a closed epoch — the root it would
 * sign, the total score and each node's level — read-only, for providers and for comparing oracles.
 * {@code GET /rewards/epochs/<epoch>/nodes/<address>}: one node's score and Merkle proof in that
 * table, what its claim carries (the contract checks the proof against the posted root, so a
 * claimant need not trust the oracle it asked). 404 while the epoch is open, when no node scored in
 * it, or when the node did not.
 */
@ApplicationScoped
public class EpochTableRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AvailabilityCount count;

  public EpochTableRoutes(AvailabilityCount count) {
    this.count = count;
  }

  void routes(@Observes Router router) {
    router.get("/rewards/epochs/:epoch").handler(this::table);
    router.get("/rewards/epochs/:epoch/nodes/:node").handler(this::proof);
  }

  /** The epoch's table, or empty when the request was answered with why there is none. */
  private Optional<RewardTree> tableOf(RoutingContext ctx) {
    long epoch;
    try {
      epoch = Long.parseLong(ctx.pathParam("epoch"));
    } catch (NumberFormatException e) {
      ctx.response().setStatusCode(400).end("an epoch is a whole number");
      return Optional.empty();
    }
    Optional<RewardTree> table = count.table(epoch);
    if (table.isEmpty()) {
      ctx.response()
          .setStatusCode(404)
          .end(
              "epoch "
                  + epoch
                  + (epoch >= count.currentEpoch() ? " is not over" : " has no scores here"));
    }
    return table;
  }

  private void proof(RoutingContext ctx) {
    Optional<RewardTree> table = tableOf(ctx);
    if (table.isEmpty()) {
      return;
    }
    RewardTree tree = table.get();
    String node = ctx.pathParam("node").toLowerCase(java.util.Locale.ROOT);
    if (!node.matches("0x[0-9a-f]{40}")) {
      ctx.response().setStatusCode(400).end("a node is its address: 0x and 40 hex digits");
      return;
    }
    if (!tree.scores().containsKey(node)) {
      ctx.response()
          .setStatusCode(404)
          .end("node " + node + " has no score in epoch " + tree.epoch() + " here");
      return;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("epoch", tree.epoch());
    body.put("node", node);
    body.put("score", tree.scoreOf(node));
    body.put("root", Numeric.toHexString(tree.root()));
    body.put("totalScore", tree.totalScore());
    var proof = body.putArray("proof");
    tree.proof(node).forEach(p -> proof.add(Numeric.toHexString(p)));
    ctx.response().putHeader("content-type", "application/json").end(body.toString());
  }

  private void table(RoutingContext ctx) {
    Optional<RewardTree> table = tableOf(ctx);
    if (table.isEmpty()) {
      return;
    }
    RewardTree tree = table.get();
    ObjectNode body = JSON.createObjectNode();
    body.put("epoch", tree.epoch());
    body.put("root", Numeric.toHexString(tree.root()));
    body.put("totalScore", tree.totalScore());
    ObjectNode scores = body.putObject("scores");
    tree.scores().forEach(scores::put);
    ctx.response().putHeader("content-type", "application/json").end(body.toString());
  }
}
