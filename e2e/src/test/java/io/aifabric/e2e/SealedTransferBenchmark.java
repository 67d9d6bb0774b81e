package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.Encryption;
import io.aifabric.api.v1alpha1.aijob.GpuResources;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.SealReport;
import io.aifabric.protocol.seal.SealedOutputObjects;
import io.aifabric.protocol.seal.X25519KeyPair;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.SealingSidecars;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test (it asserts only that the bytes came back, never a time): one
 * output of {@code aifabric.bench.mib} MiB (default 1,024) sealed and uploaded by the packaged
 * sidecar to a real SeaweedFS store through a presigned PUT, then fetched, checked and opened by
 * the packaged CLI from the host's AIJob status (written here as the operator would, with a receipt
 * signed by a node key registered on a ComputeNode). Each JVM runs with a 32 MiB heap cap, so
 * finishing at all shows memory stays flat whatever the size; the peak RSS of each process is read
 * from /proc. Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipTests && ./mvnw -B verify -pl e2e -Dit.test=SealedTransferBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Results: stdout and e2e/target/bench/sealed-transfer.txt.
 */
@ExtendWith(TestBedExtension.class)
class SealedTransferBenchmark {
  private static final String HEAP = "-Xmx32m";

  @Test
  void sealUploadFetchOpen(TestBed bed) throws Exception {
    int mib = Integer.getInteger("aifabric.bench.mib", 1024);
    Path dir = Files.createDirectories(bed.dir().resolve("bench-sealed-transfer"));
    KubernetesClient host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    String ns = bed.createNamespace(TestBed.HOST, "bench");
    try (ObjectStoreProcess store =
        ObjectStoreProcess.start(
            ObjectStoreProcess.defaultBinary(), dir.resolve("store"), "outputs")) {
      X25519KeyPair user = X25519KeyPair.generate(new SecureRandom());
      Path key = dir.resolve("user.key");
      user.write(key);
      AIJob job = job(ns, user);
      job = host.resource(job).create();
      String uid = job.getMetadata().getUid();

      // What the job wrote: one file of random bytes.
      Path output = Files.createDirectories(dir.resolve("output"));
      Path data = output.resolve("data.bin");
      writeRandom(data, mib);

      // The sidecar, as the kubelet runs it: its URL, SIGTERM, its report.
      String objectKey = SealedOutputObjects.key("aifabric", uid, 0);
      Path upload = Files.createDirectories(dir.resolve("upload"));
      Files.writeString(upload.resolve("0"), store.presignedPut(objectKey, Duration.ofHours(1)));
      Path termination = dir.resolve("termination-log");
      List<String> sealer = List.of(java(), HEAP, "-jar", SealingSidecars.defaultJar().toString());
      ProcessBuilder sidecar = new ProcessBuilder(sealer).redirectErrorStream(true);
      sidecar.redirectOutput(dir.resolve("sidecar.log").toFile());
      sidecar
          .environment()
          .putAll(
              Map.of(
                  "AIFABRIC_SEAL_RECIPIENT", user.publicKeyBase64(),
                  "AIFABRIC_SEAL_NETWORK", "aifabric",
                  "AIFABRIC_SEAL_JOB_UID", uid,
                  "AIFABRIC_SEAL_REPLICA", "0",
                  "AIFABRIC_SEAL_OUTPUT_DIR", output.toString(),
                  "AIFABRIC_SEAL_UPLOAD_DIR", upload.toString(),
                  "AIFABRIC_SEAL_TERMINATION_LOG", termination.toString()));
      Process running = sidecar.start();
      awaitLog(dir.resolve("sidecar.log"), "waiting for the job to end", running);
      long sealStart = System.nanoTime();
      running.destroy();
      long sealPeak = peakRssUntilExit(running);
      double sealSeconds = (System.nanoTime() - sealStart) / 1e9;
      assertThat(running.exitValue()).as(Files.readString(dir.resolve("sidecar.log"))).isZero();
      SealReport report = SealReport.parse(Files.readString(termination)).orElseThrow();

      // The status the operator would write from the node's receipt.
      NodeKey node = NodeKey.generate(new SecureRandom());
      registerNode(host, "bench.gpu-0", node);
      WorkReceipt receipt =
          new WorkReceipt(
              uid,
              0,
              node.address(),
              60,
              0,
              report.address(),
              1_700_000_000_000L,
              report.sealedBytes());
      writeStatus(host, job, store, objectKey, node, receipt);

      // The CLI, as a user runs it.
      Path fetched = dir.resolve("fetched");
      List<String> fetch =
          new ArrayList<>(List.of(java(), HEAP, "-jar", AifabricCli.defaultJar().toString()));
      fetch.addAll(
          List.of(
              "fetch",
              "bench-output",
              "-n",
              ns,
              "--kubeconfig",
              bed.kubeconfig(TestBed.HOST).toString(),
              "--key",
              key.toString(),
              "--out",
              fetched.toString()));
      ProcessBuilder cli = new ProcessBuilder(fetch).redirectErrorStream(true);
      cli.redirectOutput(dir.resolve("fetch.log").toFile());
      long fetchStart = System.nanoTime();
      Process fetching = cli.start();
      long fetchPeak = peakRssUntilExit(fetching);
      double fetchSeconds = (System.nanoTime() - fetchStart) / 1e9;
      assertThat(fetching.exitValue()).as(Files.readString(dir.resolve("fetch.log"))).isZero();
      assertThat(Files.mismatch(data, fetched.resolve("replica-0/data.bin"))).isEqualTo(-1L);

      String result =
          String.format(
              Locale.ROOT,
              "sealed transfer of %d MiB (one file) through a real SeaweedFS store, JVMs capped at"
                  + " %s of heap:%n"
                  + "  seal + upload (packaged sidecar, presigned PUT): %.1f s, %.0f MiB/s, peak"
                  + " RSS %d MiB%n"
                  + "  fetch + check + open (packaged CLI, JVM start included): %.1f s, %.0f MiB/s,"
                  + " peak RSS %d MiB%n"
                  + "  end to end: %.0f MiB/s%n",
              mib,
              HEAP.substring(4),
              sealSeconds,
              mib / sealSeconds,
              sealPeak >> 10,
              fetchSeconds,
              mib / fetchSeconds,
              fetchPeak >> 10,
              mib / (sealSeconds + fetchSeconds));
      System.out.print(result);
      Path out = Path.of("target/bench/sealed-transfer.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, result);
    }
  }

  private static AIJob job(String ns, X25519KeyPair user) {
    AIJob job = new AIJob();
    job.getMetadata().setName("bench-output");
    job.getMetadata().setNamespace(ns);
    AIJobSpec spec = new AIJobSpec();
    spec.setImage("bench");
    GpuResources resources = new GpuResources();
    resources.setGpusPerReplica(1);
    spec.setResources(resources);
    Encryption encryption = new Encryption();
    encryption.setUserPublicKey(user.publicKeyBase64());
    spec.setEncryption(encryption);
    job.setSpec(spec);
    return job;
  }

  private static void registerNode(KubernetesClient host, String name, NodeKey key) {
    ComputeNode node = new ComputeNode();
    node.getMetadata().setName(name);
    node = host.resource(node).create();
    ComputeNodeStatus status = new ComputeNodeStatus();
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(key.address().toString());
    identity.setPublicKey(Hex.encode(key.publicKey().toBytes()));
    status.setIdentity(identity);
    node.setStatus(status);
    host.resource(node).updateStatus();
  }

  private static void writeStatus(
      KubernetesClient host,
      AIJob job,
      ObjectStoreProcess store,
      String objectKey,
      NodeKey node,
      WorkReceipt receipt) {
    ReplicaOutput output = new ReplicaOutput();
    output.setReplica(0);
    output.setNode("bench.gpu-0");
    output.setNodeAddress(node.address().toString());
    output.setContentAddress(Hex.encode(receipt.outputDigest()));
    output.setSealedBytes(receipt.sealedBytes());
    output.setUrl(SealedOutputObjects.url(store.endpoint(), store.bucket(), objectKey).toString());
    output.setGpuSeconds(receipt.gpuSeconds());
    output.setExitCode(receipt.exitCode());
    output.setFinishedAtMillis(receipt.finishedAtMillis());
    output.setReceiptSignature(receipt.sign(node).signature().toString());
    AIJobStatus status = new AIJobStatus();
    status.setPhase(JobPhase.Succeeded);
    status.setOutputs(List.of(output));
    AIJob current = host.resource(job).get();
    current.setStatus(status);
    host.resource(current).updateStatus();
  }

  private static void writeRandom(Path file, int mib) throws IOException {
    byte[] block = new byte[1 << 20];
    Random random = new Random(1);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(block);
        out.write(block);
      }
    }
  }

  /** Polls the process's peak resident set (VmHWM, KiB) until it exits. */
  private static long peakRssUntilExit(Process process) throws Exception {
    long peak = 0;
    Path status = Path.of("/proc/" + process.pid() + "/status");
    while (process.isAlive()) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmHWM:")) {
            peak = Math.max(peak, Long.parseLong(line.replaceAll("\\D", "")));
          }
        }
      } catch (IOException gone) {
        // It exited between the check and the read.
      }
      Thread.sleep(50);
    }
    process.waitFor();
    return peak;
  }

  private static void awaitLog(Path log, String line, Process process) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no '" + line + "' in " + log);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
