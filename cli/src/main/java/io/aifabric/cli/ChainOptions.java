package io.aifabric.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.web3j.crypto.Credentials;
import picocli.CommandLine.Option;

/** Where the network's escrow is, and the user's own chain key (never sent anywhere). */
final class ChainOptions {
  @Option(
      names = "--rpc",
      description = "The chain's JSON-RPC endpoint (default: $AIFABRIC_RPC_URL).",
      defaultValue = "${env:AIFABRIC_RPC_URL}")
  String rpcUrl;

  @Option(
      names = "--escrow",
      description = "The network's JobEscrow contract (default: $AIFABRIC_ESCROW).",
      defaultValue = "${env:AIFABRIC_ESCROW}")
  String escrow;

  @Option(
      names = "--registry",
      description = "The network's NodeRegistry contract (default: $AIFABRIC_REGISTRY).",
      defaultValue = "${env:AIFABRIC_REGISTRY}")
  String registry;

  @Option(
      names = "--rewards",
      description = "The network's AvailabilityRewards contract (default: $AIFABRIC_REWARDS).",
      defaultValue = "${env:AIFABRIC_REWARDS}")
  String rewards;

  /** Opens the rewards contract with the key in {@code keyFile}, or says what is missing. */
  RewardsClient openRewards(Path keyFile) throws IOException {
    requireRpc();
    if (rewards == null || !rewards.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "no rewards address: give --rewards 0x… (or set AIFABRIC_REWARDS)");
    }
    if (keyFile == null) {
      throw new IllegalArgumentException("no chain key: give the file that holds yours");
    }
    return new RewardsClient(rpcUrl, rewards, readKey(keyFile));
  }

  /** Opens the registry with the key in {@code keyFile}, or says what is missing. */
  RegistryClient openRegistry(Path keyFile) throws IOException {
    requireRpc();
    if (registry == null || !registry.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "no registry address: give --registry 0x… (or set AIFABRIC_REGISTRY)");
    }
    if (keyFile == null) {
      throw new IllegalArgumentException("no chain key: give the file that holds yours");
    }
    return new RegistryClient(rpcUrl, registry, readKey(keyFile));
  }

  private void requireRpc() {
    if (rpcUrl == null || rpcUrl.isBlank()) {
      throw new IllegalArgumentException("no chain: give --rpc (or set AIFABRIC_RPC_URL)");
    }
  }

  /** Opens the escrow with the key in {@code keyFile}, or says what is missing. */
  EscrowClient open(Path keyFile) throws IOException {
    requireRpc();
    if (escrow == null || !escrow.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "no escrow address: give --escrow 0x… (or set AIFABRIC_ESCROW)");
    }
    if (keyFile == null) {
      throw new IllegalArgumentException("no chain key: give the file that holds yours");
    }
    return new EscrowClient(rpcUrl, escrow, readKey(keyFile));
  }

  /**
   * A chain key file: the private key as 0x and 64 hex digits (lines starting with # are comments).
   * A file others may read is refused: a key anyone on the machine can read is no key.
   */
  static Credentials readKey(Path file) throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    if (permissions.contains(PosixFilePermission.GROUP_READ)
        || permissions.contains(PosixFilePermission.OTHERS_READ)) {
      throw new IOException(
          file + " can be read by others; make it yours alone (chmod 600 " + file + ")");
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      if (!text.matches("(0x)?[0-9a-fA-F]{64}")) {
        throw new IOException(file + " does not hold a private key (0x and 64 hex digits)");
      }
      return Credentials.create(text);
    }
    throw new IOException(file + " is empty");
  }
}
