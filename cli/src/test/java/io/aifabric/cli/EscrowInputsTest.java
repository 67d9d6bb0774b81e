package io.aifabric.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** What the CLI sends the escrow is built from the user's inputs; each is checked here. */
class EscrowInputsTest {
  private static final String ANVIL_KEY_0 =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  @Test
  void aDepositIsRoundedUpToWholeEscrowUnitsNeverDown() {
    assertThat(SubmitCommand.wholeUnits(new BigDecimal("0.1")))
        .isEqualTo(new BigInteger("100000000000000000"));
    // 0.1 ether and 1 wei: one more unit of 10,000 gwei, not less than asked.
    assertThat(SubmitCommand.wholeUnits(new BigDecimal("0.100000000000000001")))
        .isEqualTo(new BigInteger("100010000000000000"));
    assertThat(SubmitCommand.wholeUnits(new BigDecimal("0.000000001")))
        .isEqualTo(EscrowClient.DEPOSIT_UNIT);
  }

  @Test
  void maxDurationsReadAsTheApiWritesThem() {
    assertThat(MaxDurations.parse("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(MaxDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(MaxDurations.parse(null)).isEqualTo(Duration.ofHours(24));
    assertThatThrownBy(() -> MaxDurations.parse("1.5h"))
        .hasMessage("maxDuration 1.5h is not a duration such as 90m");
  }

  @Test
  void aKeyFileOthersCanReadIsRefused(@TempDir Path dir) throws IOException {
    Path key = Files.writeString(dir.resolve("key"), "# payer\n" + ANVIL_KEY_0 + "\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> ChainOptions.readKey(key))
        .hasMessageContaining("can be read by others");

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    assertThat(ChainOptions.readKey(key).getAddress())
        .isEqualToIgnoringCase("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

    Files.writeString(key, "not a key\n");
    assertThatThrownBy(() -> ChainOptions.readKey(key))
        .hasMessageContaining("does not hold a private key");
  }

  @Test
  void theEscrowsRefusalsAreNamed() {
    String selector =
        Numeric.toHexString(Hash.sha3("NothingToWithdraw()".getBytes())).substring(0, 10);
    assertThat(EscrowClient.refusal("execution reverted", selector))
        .isEqualTo("NothingToWithdraw()");
    String jobKeyUsed =
        Numeric.toHexString(Hash.sha3("JobKeyUsed(bytes32,uint64)".getBytes())).substring(0, 10)
            + "00".repeat(64);
    assertThat(EscrowClient.refusal("execution reverted", jobKeyUsed))
        .isEqualTo("JobKeyUsed(bytes32,uint64)");
    assertThat(EscrowClient.refusal("out of gas", null)).isEqualTo("out of gas");
  }

  @Test
  void withoutAChainTheOptionsSaySo() {
    ChainOptions options = new ChainOptions();
    assertThatThrownBy(() -> options.open(Path.of("k")))
        .hasMessage("no chain: give --rpc (or set AIFABRIC_RPC_URL)");
    options.rpcUrl = "http://127.0.0.1:8545";
    options.escrow = "0x1234";
    assertThatThrownBy(() -> options.open(Path.of("k")))
        .hasMessage("no escrow address: give --escrow 0x… (or set AIFABRIC_ESCROW)");
  }
}
