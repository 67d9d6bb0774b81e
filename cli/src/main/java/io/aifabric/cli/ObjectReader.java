package io.aifabric.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/** Opens a stored object for reading, by its path-style URL. */
@FunctionalInterface
interface ObjectReader {
  InputStream open(URI url) throws IOException;
}
