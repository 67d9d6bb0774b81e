package io.aifabric.console.chain;

import java.util.Optional;

/** Where the pages get the chain's figures from: the last read, if there is a chain to read. */
@FunctionalInterface
public interface ChainFiguresSource {
  Optional<ChainFigures> figures();
}
