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
    name = "withdraw",
    mixinStandardHelpOptions = true,
    description =
        "Withdraw a provider's balance from the escrow (what settled jobs paid it) to its own"
            + " address, signed with its own key.")
final class WithdrawCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ChainOptions chain = new ChainOptions();

  @Option(
      names = {"-k", "--key"},
      required = true,
      description = "The file with the provider's chain key (0x and 64 hex digits, owner-only).")
  Path key;

  @Override
  public Integer call() throws Exception {
    try (EscrowClient escrow = chain.open(key)) {
      BigInteger balance = escrow.balance();
      if (balance.signum() == 0) {
        throw new IllegalStateException("the escrow holds nothing for " + escrow.address());
      }
      TransactionReceipt receipt = escrow.withdraw();
      spec.commandLine()
          .getOut()
          .printf(
              "withdrew %s to %s: transaction %s, block %s%n",
              new BigDecimal(balance).movePointLeft(18).stripTrailingZeros().toPlainString(),
              escrow.address(),
              receipt.getTransactionHash(),
              receipt.getBlockNumber());
    }
    return 0;
  }
}
