package io.aifabric.escrow.rewards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.escrow.RewardTree;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * {@code GET /rewards/epochs/<epoch>}: this oracle's table of a closed epoch — the root it would
 * sign, the total score and each node's level — read-only, for providers and for comparing oracles.
 * 404 while the epoch is open or when no node scored in it.
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
  }

  private void table(RoutingContext ctx) {
    long epoch;
    try {
      epoch = Long.parseLong(ctx.pathParam("epoch"));
    } catch (NumberFormatException e) {
      ctx.response().setStatusCode(400).end("an epoch is a whole number");
      return;
    }
    Optional<RewardTree> table = count.table(epoch);
    if (table.isEmpty()) {
      ctx.response()
          .setStatusCode(404)
          .end(
              "epoch "
                  + epoch
                  + (epoch >= count.currentEpoch() ? " is not over" : " has no scores here"));
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
