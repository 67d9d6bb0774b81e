package io.aifabric.bench;

import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.OutputBinding;
import io.aifabric.protocol.seal.SealSuite;
import io.aifabric.protocol.seal.SealingOutputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Random;

/**
 * Seals 1 GiB (or {@code -Daifabric.bench.mib=N}) into a file and opens it again, per suite, and
 * prints MiB/s and the peak heap of each step: memory must stay flat whatever the size (budget: <
 * 64 MiB of heap beyond the JVM's base). Run it with a small heap to see that it needs none:
 *
 * <pre>java -Xmx32m -cp bench/target/benchmarks.jar io.aifabric.bench.SealLargeOutput</pre>
 */
public final class SealLargeOutput {
  private SealLargeOutput() {}

  public static void main(String[] args) throws IOException {
    long mib = Long.getLong("aifabric.bench.mib", 1024);
    SecureRandom random = new SecureRandom();
    X25519KeyPair user = X25519KeyPair.generate(random);
    OutputBinding binding = new OutputBinding("bench", "job-uid", 0);
    byte[] block = new byte[1 << 20];
    new Random(7).nextBytes(block);
    Path file = Files.createTempFile("aifabric-seal-", ".sealed");
    try {
      for (SealSuite suite : SealSuite.values()) {
        for (int round = 0; round < 2; round++) {
          System.gc();
          long base = heapUsed();
          resetPeaks();
          long start = System.nanoTime();
          try (SealingOutputStream out =
              SealingOutputStream.to(
                  new BufferedOutputStream(Files.newOutputStream(file), 1 << 16),
                  user.publicKey(),
                  binding,
                  suite,
                  random)) {
            for (long i = 0; i < mib; i++) {
              out.write(block);
            }
          }
          report(round, suite, "seal", mib, start, base);

          System.gc();
          base = heapUsed();
          resetPeaks();
          start = System.nanoTime();
          try (InputStream in =
              OpeningInputStream.open(Files.newInputStream(file), user, binding)) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) != -1) {
              // drain: only the bytes' authenticity matters here
            }
          }
          report(round, suite, "open", mib, start, base);
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void report(
      int round, SealSuite suite, String step, long mib, long start, long base) {
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "%s %-18s %s %,d MiB: %6.1f MiB/s, heap peak %.1f MiB above the %.1f MiB before it (max heap %d MiB)%n",
        round == 0 ? "warm-up" : "measured",
        suite,
        step,
        mib,
        mib / seconds,
        (peakHeap() - base) / 1048576.0,
        base / 1048576.0,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  private static long heapUsed() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
