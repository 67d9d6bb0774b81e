package io.aifabric.operator.stake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.RewardTree;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Every node's score in the latest posted epochs, read from the oracles' tables ({@code GET
 * /rewards/epochs/<n>} on an oracle bridge) and kept only when the tree the table builds has the
 * posted root and total: the chain, not the oracle asked, says which table is the epoch's. An epoch
 * no oracle answered for with that root is asked again at the next look.
 */
@ApplicationScoped
public class EpochTables {
  private static final Logger LOG = Logger.getLogger(EpochTables.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryView chain;
  private final List<URI> oracles;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Long, RewardTree> tables = new ConcurrentHashMap<>();

  public EpochTables(RegistryView chain, OperatorConfig config) {
    this.chain = chain;
    this.oracles = config.chain().rewardsOracles().orElse(List.of());
  }

  /** The node's score in the epoch's posted table, if the table was read and it has one. */
  public Optional<Long> scoreOf(String node, long epoch) {
    RewardTree table = tables.get(epoch);
    if (table == null) {
      return Optional.empty();
    }
    Long score = table.scores().get(node.toLowerCase(java.util.Locale.ROOT));
    return Optional.ofNullable(score);
  }

  @Scheduled(
      every = "${aifabric.chain.registry-poll:5s}",
      delayed = "2s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void refresh() {
    if (oracles.isEmpty() || !chain.rewardsConfigured()) {
      return;
    }
    List<RewardsLedger.Posted> latest = chain.latestEpochs();
    tables.keySet().removeIf(e -> latest.stream().noneMatch(p -> p.epoch() == e));
    for (RewardsLedger.Posted posted : latest) {
      if (!tables.containsKey(posted.epoch())) {
        read(posted).ifPresent(t -> tables.put(posted.epoch(), t));
      }
    }
  }

  /** The epoch's table from the first oracle whose table has the posted root. */
  private Optional<RewardTree> read(RewardsLedger.Posted posted) {
    List<String> why = new ArrayList<>();
    for (URI oracle : oracles) {
      try {
        HttpResponse<String> answer =
            http.send(
                HttpRequest.newBuilder(oracle.resolve("/rewards/epochs/" + posted.epoch()))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          why.add(oracle + ": " + answer.statusCode());
          continue;
        }
        JsonNode scores = JSON.readTree(answer.body()).path("scores");
        List<RewardTree.NodeScore> nodes = new ArrayList<>();
        scores
            .fields()
            .forEachRemaining(
                e -> nodes.add(new RewardTree.NodeScore(e.getKey(), e.getValue().asLong())));
        RewardTree tree = RewardTree.of(posted.epoch(), nodes);
        if (Hex.encode(tree.root()).equals(posted.root())
            && tree.totalScore() == posted.totalScore()) {
          return Optional.of(tree);
        }
        why.add(oracle + ": its table is not the posted one");
      } catch (java.io.IOException | RuntimeException e) {
        why.add(oracle + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    LOG.debugf("epoch %d: no oracle's table has the posted root (%s)", posted.epoch(), why);
    return Optional.empty();
  }
}
