package io.aifabric.sealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.aifabric.protocol.seal.ArchiveUnpacker;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.SealReport;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's own behaviour against a loopback HTTP endpoint standing in for the presigned URL
 * (the store itself is real in the E2E): what it sends, when it tries again, what it reports.
 */
class OutputSealerTest {
  private static final X25519KeyPair USER = X25519KeyPair.generate(new SecureRandom());
  @TempDir Path dir;
  private HttpServer server;
  private final List<byte[]> received = new ArrayList<>();
  private final List<Long> declaredLengths = new ArrayList<>();
  private final List<Integer> answers = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void store() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/bucket/",
        exchange -> {
          int call = calls.getAndIncrement();
          byte[] body = exchange.getRequestBody().readAllBytes();
          int status = call < answers.size() ? answers.get(call) : 200;
          if (exchange.getRequestMethod().equals("PUT") && status == 200) {
            received.add(body);
            declaredLengths.add(
                Long.parseLong(exchange.getRequestHeaders().getFirst("Content-Length")));
          }
          byte[] answer =
              status == 200 ? new byte[0] : "<Error><Code>Nope</Code></Error>".getBytes();
          exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theOutputIsSealedStreamedWithItsLengthAndReportedByItsContentAddress() throws Exception {
    SealerSettings settings = settings(Map.of());
    Files.writeString(settings.outputDir().resolve("result.txt"), "42");
    Files.createDirectories(settings.outputDir().resolve("ckpt"));
    Files.write(settings.outputDir().resolve("ckpt/model.bin"), new byte[200_000]);

    assertThat(OutputSealer.sealAndReport(settings, Duration.ofMillis(10))).isZero();

    assertThat(received).hasSize(1);
    byte[] sealed = received.get(0);
    assertThat(declaredLengths.get(0)).isEqualTo(sealed.length);
    SealReport report = SealReport.parse(Files.readString(settings.terminationLog())).orElseThrow();
    assertThat(report.address()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(sealed));
    assertThat(report.sealedBytes()).isEqualTo(sealed.length);
    assertThat(report.files()).isEqualTo(3);
    Path opened = dir.resolve("opened");
    try (InputStream in =
        OpeningInputStream.open(new ByteArrayInputStream(sealed), USER, settings.binding())) {
      ArchiveUnpacker.unpack(in, opened);
    }
    assertThat(Files.readString(opened.resolve("result.txt"))).isEqualTo("42");
    assertThat(Files.size(opened.resolve("ckpt/model.bin"))).isEqualTo(200_000);
  }

  @Test
  void anEmptyOutputIsStillASealedArchive() throws Exception {
    SealerSettings settings = settings(Map.of());
    assertThat(OutputSealer.sealAndReport(settings, Duration.ofMillis(10))).isZero();
    SealReport report = SealReport.parse(Files.readString(settings.terminationLog())).orElseThrow();
    assertThat(report.files()).isZero();
    assertThat(report.plainBytes()).isEqualTo(1024);
  }

  @Test
  void aStoreThatFailsForAMomentIsTriedAgainSealedAfresh() throws Exception {
    answers.addAll(List.of(503, 500));
    SealerSettings settings = settings(Map.of());
    Files.writeString(settings.outputDir().resolve("a"), "a");

    assertThat(OutputSealer.sealAndReport(settings, Duration.ofMillis(10))).isZero();

    assertThat(calls.get()).isEqualTo(3);
    SealReport report = SealReport.parse(Files.readString(settings.terminationLog())).orElseThrow();
    assertThat(report.address())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(received.get(0)));
  }

  @Test
  void aRefusedUploadEndsAtOnceAndSaysSoInTheTerminationMessage() throws Exception {
    answers.addAll(List.of(403, 403, 403));
    SealerSettings settings = settings(Map.of());

    assertThat(OutputSealer.sealAndReport(settings, Duration.ofMillis(10))).isEqualTo(1);

    assertThat(calls.get()).isEqualTo(1);
    String message = Files.readString(settings.terminationLog());
    assertThat(message).startsWith("sealing failed: the store answered 403");
    assertThat(SealReport.parse(message)).isEmpty();
  }

  @Test
  void wrongSettingsAreAllSaidAtOnceAndTheUrlIsNeverPrinted() throws Exception {
    Map<String, String> env = new HashMap<>(environment(Map.of()));
    env.put(SealerSettings.RECIPIENT, Base64.getEncoder().encodeToString(new byte[31]));
    env.remove(SealerSettings.NETWORK);
    env.put(SealerSettings.REPLICA, "7");
    assertThatThrownBy(() -> SealerSettings.from(env))
        .isInstanceOf(SealerSettings.InvalidSettingsException.class)
        .hasMessage(
            "AIFABRIC_SEAL_RECIPIENT is 31 bytes, not a 32-byte X25519 key;"
                + " AIFABRIC_SEAL_NETWORK is not set; no upload URL for replica 7 at "
                + dir.resolve("upload/7"));
    SealerSettings settings = settings(Map.of());
    assertThat(settings.uploadTarget()).doesNotContain("X-Amz-Signature").endsWith("/bucket/o");
  }

  private SealerSettings settings(Map<String, String> extra) throws Exception {
    return SealerSettings.from(environment(extra));
  }

  private Map<String, String> environment(Map<String, String> extra) throws IOException {
    Path output = Files.createDirectories(dir.resolve("output"));
    Path upload = Files.createDirectories(dir.resolve("upload"));
    Files.writeString(
        upload.resolve("0"),
        "http://127.0.0.1:" + server.getAddress().getPort() + "/bucket/o?X-Amz-Signature=secret\n",
        StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>();
    env.put(SealerSettings.OUTPUT_DIR, output.toString());
    env.put(SealerSettings.RECIPIENT, Base64.getEncoder().encodeToString(USER.publicKey()));
    env.put(SealerSettings.NETWORK, "aifabric-test");
    env.put(SealerSettings.JOB_UID, "uid-1");
    env.put(SealerSettings.REPLICA, "0");
    env.put(SealerSettings.UPLOAD_DIR, upload.toString());
    env.put(SealerSettings.TERMINATION_LOG, dir.resolve("termination-log").toString());
    env.putAll(extra);
    return env;
  }
}
