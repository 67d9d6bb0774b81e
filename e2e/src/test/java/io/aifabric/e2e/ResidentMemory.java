package io.aifabric.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory, as the kernel counts it (what a container's limit is held to). */
final class ResidentMemory {
  private ResidentMemory() {}

  /** VmRSS of the process, in KiB. */
  static long kib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for " + pid);
  }
}
