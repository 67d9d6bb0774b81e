package io.aifabric.bench;

import io.aifabric.protocol.Heartbeat;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.NodePublicKey;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
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
 * Signed heartbeats checked per second on one thread (one core), for a network of {@code nodes}
 * nodes sending in turn (DESIGN §6 budget: more than 10,000 per second per core). {@code
 * signatureOnly}: the secp256k1 check alone; {@code decodeAndVerify}: what the operator does per
 * message short of the sequence bookkeeping (parse the JSON, rebuild the canonical digest, check
 * the signature against the node's registered key).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HeartbeatVerifyBenchmark {
  @Param({"1000"})
  int nodes;

  private byte[][] payloads;
  private Heartbeat.Signed[] signed;
  private Map<io.aifabric.protocol.EthAddress, NodePublicKey> keys;
  private int next;

  @Setup
  public void setUp() {
    SecureRandom random = new SecureRandom();
    payloads = new byte[nodes][];
    signed = new Heartbeat.Signed[nodes];
    keys = new HashMap<>();
    for (int i = 0; i < nodes; i++) {
      NodeKey key = NodeKey.generate(random);
      // A registered key is decoded once and kept, as the operator keeps it.
      keys.put(key.address(), NodePublicKey.fromBytes(key.publicKey().toBytes()));
      Heartbeat hb =
          new Heartbeat(
              key.address(),
              1,
              System.currentTimeMillis(),
              "GPU-" + i + "-0,87,61,40960;GPU-" + i + "-1,12,44,1024",
              "0.1.0");
      signed[i] = hb.sign(key);
      payloads[i] = HeartbeatCodec.encode(signed[i]);
    }
  }

  @Benchmark
  public boolean signatureOnly() {
    Heartbeat.Signed s = signed[next++ % nodes];
    return keys.get(s.heartbeat().node()).verifies(s.heartbeat().digest(), s.signature());
  }

  @Benchmark
  public boolean decodeAndVerify() throws MalformedMessageException {
    Heartbeat.Signed s = HeartbeatCodec.decode(payloads[next++ % nodes]);
    return keys.get(s.heartbeat().node()).verifies(s.heartbeat().digest(), s.signature());
  }
}
