package io.aifabric.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "stake",
    mixinStandardHelpOptions = true,
    description = {
      "Stake ether in the NodeRegistry as a provider, from the provider's own key. The stake sets",
      "the tier of every node registered to the provider (jobs ask for a minimum tier), and is",
      "what oracles slash for proven misbehaviour."
    })
final class StakeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ChainOptions chain = new ChainOptions();

  @Option(
      names = {"-k", "--key"},
      required = true,
      description = "The file with the provider's chain key (0x and 64 hex digits, owner-only).")
  Path key;

  @Option(names = "--amount", required = true, description = "Ether to add to the stake.")
  BigDecimal amount;

  @Override
  public Integer call() throws Exception {
    if (amount.signum() <= 0) {
      throw new IllegalArgumentException("stake a positive amount, not " + amount);
    }
    BigInteger wei = amount.movePointRight(18).toBigIntegerExact();
    try (RegistryClient registry = chain.openRegistry(key)) {
      TransactionReceipt receipt = registry.stake(wei);
      spec.commandLine()
          .getOut()
          .printf(
              "staked %s for %s: transaction %s, block %s; tier now %d%n",
              amount.stripTrailingZeros().toPlainString(),
              registry.address(),
              receipt.getTransactionHash(),
              receipt.getBlockNumber(),
              registry.tierOf(registry.address()));
    }
    return 0;
  }
}
