package io.aifabric.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.OutputArchive;
import io.aifabric.protocol.seal.OutputBinding;
import io.aifabric.protocol.seal.SealedOutputException;
import io.aifabric.protocol.seal.SealingOutputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch path on real sealing, signatures and archives, with the store as a map of objects (the
 * real store is the E2E's): what it opens, and each way a download can be wrong.
 */
class OutputFetcherTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String NETWORK = "aifabric";
  private static final String UID = "0f4c0d3e-1111-4222-8333-444455556666";
  private static final X25519KeyPair USER = X25519KeyPair.generate(RANDOM);
  private static final NodeKey NODE = NodeKey.generate(RANDOM);

  @TempDir Path dir;
  private final Map<String, byte[]> store = new HashMap<>();
  private final AIJob job = new AIJob();
  private byte[] weights;

  @BeforeEach
  void aJobThatWroteTwoFiles() throws IOException {
    job.getMetadata().setName("train");
    job.getMetadata().setNamespace("ml");
    job.getMetadata().setUid(UID);
    Path written = Files.createDirectories(dir.resolve("written"));
    weights = new byte[300_000];
    new Random(7).nextBytes(weights);
    Files.write(written.resolve("weights.bin"), weights);
    Files.createDirectories(written.resolve("logs"));
    Files.writeString(written.resolve("logs/train.log"), "loss 0.1\n");
  }

  @Test
  void theUsersKeyOpensExactlyWhatTheJobWrote() throws Exception {
    Sealed sealed = seal(0, USER.publicKey());
    store.put("http://store/outputs/replica-0", sealed.bytes());

    OutputFetcher.Fetched fetched = fetch(sealed, USER, dir.resolve("out/replica-0"));

    assertThat(fetched.files()).isEqualTo(2);
    assertThat(Files.readAllBytes(dir.resolve("out/replica-0/weights.bin"))).isEqualTo(weights);
    assertThat(Files.readString(dir.resolve("out/replica-0/logs/train.log")))
        .isEqualTo("loss 0.1\n");
    assertThat(fetched.contentAddress()).isEqualTo(Hex.encode(sealed.receipt().outputDigest()));
    assertThat(leftovers()).isZero();
  }

  @Test
  void aWrongKeyOpensNothingAndLeavesNothing() throws Exception {
    Sealed sealed = seal(0, USER.publicKey());
    store.put("http://store/outputs/replica-0", sealed.bytes());

    assertThatThrownBy(() -> fetch(sealed, X25519KeyPair.generate(RANDOM), dir.resolve("out/r")))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageContaining("is not sealed to the key");
    assertThat(dir.resolve("out/r")).doesNotExist();
    assertThat(leftovers()).isZero();
  }

  @Test
  void aFlippedByteInTheDownloadIsRefusedAndLeavesNothing() throws Exception {
    Sealed sealed = seal(0, USER.publicKey());
    byte[] tampered = sealed.bytes().clone();
    tampered[tampered.length / 2] ^= 1;
    store.put("http://store/outputs/replica-0", tampered);

    assertThatThrownBy(() -> fetch(sealed, USER, dir.resolve("out/r")))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageContaining("does not authenticate");
    assertThat(dir.resolve("out/r")).doesNotExist();
    assertThat(leftovers()).isZero();
  }

  @Test
  void aDownloadCutShortIsRefusedEvenWhereTheArchiveLooksWhole() throws Exception {
    Sealed sealed = seal(0, USER.publicKey());
    // Everything but the last 16 bytes: the last chunk's tag is missing.
    store.put(
        "http://store/outputs/replica-0",
        Arrays.copyOf(sealed.bytes(), sealed.bytes().length - 16));

    assertThatThrownBy(() -> fetch(sealed, USER, dir.resolve("out/r")))
        .isInstanceOf(SealedOutputException.class);
    assertThat(dir.resolve("out/r")).doesNotExist();
    assertThat(leftovers()).isZero();
  }

  @Test
  void anotherValidSealThanTheNodeSignedForIsRefused() throws Exception {
    Sealed signed = seal(0, USER.publicKey());
    // The store holds a different sealing of the same files (fresh ephemeral key): it opens with
    // the user's key, but it is not what the node's receipt names.
    store.put("http://store/outputs/replica-0", seal(0, USER.publicKey()).bytes());

    assertThatThrownBy(() -> fetch(signed, USER, dir.resolve("out/r")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is not the output node member-a.gpu-0 signed for");
    assertThat(dir.resolve("out/r")).doesNotExist();
  }

  @Test
  void anotherReplicasOutputIsRefused() throws Exception {
    Sealed replica1 = seal(1, USER.publicKey());
    store.put("http://store/outputs/replica-0", replica1.bytes());
    Sealed expected = seal(0, USER.publicKey());

    assertThatThrownBy(() -> fetch(expected, USER, dir.resolve("out/r")))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageContaining("replica 1");
  }

  @Test
  void aTargetThatExistsIsNeverWrittenOver() throws Exception {
    Sealed sealed = seal(0, USER.publicKey());
    store.put("http://store/outputs/replica-0", sealed.bytes());
    Files.createDirectories(dir.resolve("out/r"));

    assertThatThrownBy(() -> fetch(sealed, USER, dir.resolve("out/r")))
        .hasMessageContaining("exists already");
  }

  @Test
  void aStatusAlteredAfterTheNodeSignedIsCaughtByTheReceiptCheck() throws Exception {
    Sealed sealed = seal(0, USER.publicKey());
    ReplicaOutput output = output(sealed);
    assertThat(ReceiptCheck.verified(job, output, NODE.publicKey()).outputDigest())
        .isEqualTo(sealed.receipt().outputDigest());

    output.setContentAddress(Hex.encode(new byte[32]));
    assertThatThrownBy(() -> ReceiptCheck.verified(job, output, NODE.publicKey()))
        .hasMessage(
            "replica 0's receipt in the job's status is not signed by node member-a.gpu-0: the"
                + " status does not say what the node signed");
    output.setContentAddress(Hex.encode(sealed.receipt().outputDigest()));
    assertThatThrownBy(
            () -> ReceiptCheck.verified(job, output, NodeKey.generate(RANDOM).publicKey()))
        .hasMessageContaining("but ComputeNode member-a.gpu-0 registered");
  }

  private record Sealed(byte[] bytes, WorkReceipt receipt, String signature) {}

  private Sealed seal(int replica, byte[] recipient) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SealingOutputStream out =
        SealingOutputStream.to(bytes, recipient, new OutputBinding(NETWORK, UID, replica));
    OutputArchive.of(dir.resolve("written")).writeTo(out);
    out.close();
    WorkReceipt receipt =
        new WorkReceipt(
            UID,
            0,
            NODE.address(),
            60,
            0,
            out.summary().contentAddress(),
            1_700_000_000_000L,
            out.summary().sealedBytes());
    return new Sealed(bytes.toByteArray(), receipt, receipt.sign(NODE).signature().toString());
  }

  private ReplicaOutput output(Sealed sealed) {
    ReplicaOutput output = new ReplicaOutput();
    output.setReplica(0);
    output.setNode("member-a.gpu-0");
    output.setNodeAddress(NODE.address().toString());
    output.setContentAddress(Hex.encode(sealed.receipt().outputDigest()));
    output.setSealedBytes(sealed.receipt().sealedBytes());
    output.setUrl("http://store/outputs/replica-0");
    output.setGpuSeconds(60L);
    output.setExitCode(0);
    output.setFinishedAtMillis(1_700_000_000_000L);
    output.setReceiptSignature(sealed.signature());
    return output;
  }

  private OutputFetcher.Fetched fetch(Sealed signed, X25519KeyPair key, Path target)
      throws Exception {
    ReplicaOutput output = output(signed);
    WorkReceipt receipt = ReceiptCheck.verified(job, output, NODE.publicKey());
    ObjectReader reader = url -> new ByteArrayInputStream(store.get(url.toString()));
    Progress quiet = new Progress(new PrintWriter(new StringWriter()), false);
    return new OutputFetcher(reader, quiet).fetch(job, output, receipt, NETWORK, key, target);
  }

  /** Hidden partial directories fetch may have left in out/. */
  private long leftovers() throws IOException {
    Path out = dir.resolve("out");
    if (!Files.exists(out)) {
      return 0;
    }
    try (Stream<Path> list = Files.list(out)) {
      return list.filter(p -> p.getFileName().toString().startsWith(".")).count();
    }
  }
}
