package io.aifabric.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.protocol.RewardTree;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "claim",
    mixinStandardHelpOptions = true,
    description = {
      "Claim a node's availability reward for an epoch: asks the oracles for the node's score and",
      "Merkle proof, takes the first whose proof leads to the root posted on chain (no oracle is",
      "trusted: the proof is checked here and by the contract), and sends the claim. The reward goes to the",
      "provider the node is registered to, whoever sends the claim; each node claims once."
    })
final class ClaimCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;
  @Mixin ChainOptions chain = new ChainOptions();

  @Option(
      names = {"-k", "--key"},
      required = true,
      description = "The file with the chain key that sends (and pays gas for) the claim.")
  Path key;

  @Option(names = "--epoch", required = true, description = "The epoch to claim.")
  long epoch;

  @Option(names = "--node", required = true, description = "The node's address (its key).")
  String node;

  @Option(
      names = "--oracle",
      required = true,
      description = "An oracle bridge's HTTP address (repeat to ask more than one).")
  List<URI> oracles;

  @Override
  public Integer call() throws Exception {
    if (!node.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("a node is its address: 0x and 40 hex digits");
    }
    try (RewardsClient rewards = chain.openRewards(key)) {
      RewardsClient.Epoch posted = rewards.epoch(epoch);
      if (!posted.posted()) {
        throw new IllegalArgumentException("epoch " + epoch + " has no root on chain yet");
      }
      Proof proof = proofFor(posted.root());
      TransactionReceipt receipt = rewards.claim(epoch, node, proof.score(), proof.siblings());
      BigInteger amount =
          posted
              .reward()
              .multiply(BigInteger.valueOf(proof.score()))
              .divide(BigInteger.valueOf(posted.totalScore()));
      spec.commandLine()
          .getOut()
          .printf(
              "claimed epoch %d for node %s: score %d of %d, %s wei to its provider;"
                  + " transaction %s, block %s%n",
              epoch,
              node.toLowerCase(Locale.ROOT),
              proof.score(),
              posted.totalScore(),
              amount,
              receipt.getTransactionHash(),
              receipt.getBlockNumber());
    }
    return 0;
  }

  private record Proof(long score, List<byte[]> siblings) {}

  /** The node's proof from the first oracle whose table has the posted root. */
  private Proof proofFor(byte[] root) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<String> why = new ArrayList<>();
    for (URI oracle : oracles) {
      URI uri =
          oracle.resolve("/rewards/epochs/" + epoch + "/nodes/" + node.toLowerCase(Locale.ROOT));
      HttpResponse<String> answer;
      try {
        answer =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        why.add(oracle + ": " + e.getMessage());
        continue;
      }
      if (answer.statusCode() != 200) {
        why.add(oracle + ": " + answer.statusCode() + " " + answer.body());
        continue;
      }
      JsonNode body = JSON.readTree(answer.body());
      if (!Arrays.equals(Numeric.hexStringToByteArray(body.path("root").asText("0x")), root)) {
        why.add(oracle + ": its table's root is not the one posted");
        continue;
      }
      List<byte[]> siblings = new ArrayList<>();
      body.path("proof").forEach(p -> siblings.add(Numeric.hexStringToByteArray(p.asText())));
      long score = body.path("score").asLong();
      // Checked here as the contract will check it: a wrong proof costs no gas.
      if (!RewardTree.verify(root, node, epoch, score, siblings)) {
        why.add(oracle + ": its proof does not lead to the posted root");
        continue;
      }
      return new Proof(score, siblings);
    }
    throw new IOException(
        "no oracle has a proof for node "
            + node
            + " under the posted root: "
            + String.join("; ", why));
  }
}
