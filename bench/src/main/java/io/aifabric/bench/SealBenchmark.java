package io.aifabric.bench;

import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.OutputBinding;
import io.aifabric.protocol.seal.SealSuite;
import io.aifabric.protocol.seal.SealingOutputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sealing and opening a job output on one thread (one core), in memory: the HPKE setup (one X25519
 * key agreement each way) plus the 64 KiB STREAM chunks, for both suites. Throughput in MiB/s is
 * {@code size} (MiB) × ops/s. The 1 GiB case and peak memory are {@link SealLargeOutput}'s, which
 * streams through a file.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SealBenchmark {
  @Param({"CHACHA20_POLY1305", "AES_128_GCM"})
  SealSuite suite;

  @Param({"1048576"})
  int size;

  private final SecureRandom random = new SecureRandom();
  private final X25519KeyPair user = X25519KeyPair.generate(random);
  private final OutputBinding binding = new OutputBinding("bench", "job-uid", 0);
  private byte[] plain;
  private byte[] sealed;

  @Setup
  public void setUp() throws IOException {
    plain = new byte[size];
    new Random(1).nextBytes(plain);
    sealed = seal();
  }

  @Benchmark
  public byte[] seal() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + size / 1024 + 256);
    try (SealingOutputStream sealing =
        SealingOutputStream.to(out, user.publicKey(), binding, suite, random)) {
      sealing.write(plain);
    }
    return out.toByteArray();
  }

  @Benchmark
  public long open() throws IOException {
    try (InputStream in =
        OpeningInputStream.open(new ByteArrayInputStream(sealed), user, binding)) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
