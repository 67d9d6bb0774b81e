package io.aifabric.console.chain;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Where the console reads the chain (environment: {@code AIFABRIC_CONSOLE_CHAIN_...}). */
@ConfigMapping(prefix = "aifabric.console.chain")
public interface ChainConfig {
  /** The chain's JSON-RPC endpoint; without it the console shows no chain figures. */
  Optional<String> rpcUrl();

  /** The JobEscrow contract's address. */
  Optional<String> escrow();

  /** How often the chain is read: once per period, whatever the number of open pages. */
  @WithDefault("10s")
  Duration refresh();

  /** The longest a read may take. */
  @WithDefault("5s")
  Duration timeout();
}
