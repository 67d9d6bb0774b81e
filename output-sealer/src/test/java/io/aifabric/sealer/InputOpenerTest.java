package io.aifabric.sealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.aifabric.protocol.seal.InputBinding;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.OutputArchive;
import io.aifabric.protocol.seal.SealedInputManifest;
import io.aifabric.protocol.seal.SealingOutputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input step against a loopback HTTP store: opened, checked, unpacked, once. */
class InputOpenerTest {
  private static final X25519KeyPair USER = X25519KeyPair.generate(new SecureRandom());
  private static final InputBinding TRAIN = new InputBinding("net", "vol-uid", "train");
  private final AtomicReference<byte[]> served = new AtomicReference<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private HttpServer server;

  @BeforeEach
  void serve() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/inputs/train.aifs",
        exchange -> {
          fetches.incrementAndGet();
          byte[] body = served.get();
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void anInputIsOpenedIntoItsVolumeOnceAndAgainOnlyWhenItChanged(@TempDir Path dir)
      throws Exception {
    Sealed sealed = sealDirectoryWith(dir, "alpha");
    served.set(sealed.bytes());
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Path keys = keys(dir, sealed.key());
    SealedInputManifest manifest = manifest(volume, sealed.address());

    InputOpener.Opened first = new InputOpener().open(manifest, 0, keys);
    InputOpener.Opened second = new InputOpener().open(manifest, 0, keys);

    assertThat(volume.resolve("train/a.txt")).hasContent("alpha");
    assertThat(first.alreadyThere()).isFalse();
    assertThat(first.files()).isEqualTo(1);
    assertThat(second.alreadyThere()).isTrue();
    assertThat(fetches).hasValue(1);
    // Only the input and the step's marker are in the volume: no tar, no partial directory.
    try (var listed = Files.list(volume.resolve(".aifabric-inputs"))) {
      assertThat(listed.map(p -> p.getFileName().toString())).containsExactly("train.address");
    }

    // A new version of the input (another address) replaces the old one.
    Sealed next = sealDirectoryWith(dir.resolve("v2"), "beta");
    served.set(next.bytes());
    InputOpener.Opened third =
        new InputOpener().open(manifest(volume, next.address()), 0, keys(dir, next.key()));
    assertThat(third.alreadyThere()).isFalse();
    assertThat(volume.resolve("train/a.txt")).hasContent("beta");
  }

  @Test
  void whatTheStoreServesMustBeWhatTheKeyWasGrantedFor(@TempDir Path dir) throws Exception {
    Sealed sealed = sealDirectoryWith(dir, "alpha");
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Path keys = keys(dir, sealed.key());
    byte[] tampered = sealed.bytes().clone();
    tampered[tampered.length - 5] ^= 1;
    served.set(tampered);

    assertThatThrownBy(() -> new InputOpener().open(manifest(volume, sealed.address()), 0, keys))
        .hasMessageContaining("does not authenticate");
    // Another valid stream for the same input (a store that swapped it): refused by address.
    Sealed other = sealDirectoryWith(dir.resolve("other"), "forged");
    served.set(other.bytes());
    assertThatThrownBy(() -> new InputOpener().open(manifest(volume, sealed.address()), 0, keys))
        .hasMessageContaining("chunk 0 of the sealed output does not authenticate");
    assertThat(volume.resolve("train")).doesNotExist();
  }

  @Test
  void withoutAReleasedKeyNothingIsFetched(@TempDir Path dir) throws Exception {
    Sealed sealed = sealDirectoryWith(dir, "alpha");
    served.set(sealed.bytes());
    Path volume = Files.createDirectories(dir.resolve("volume"));
    Path noKeys = Files.createDirectories(dir.resolve("no-keys"));

    assertThatThrownBy(() -> new InputOpener().open(manifest(volume, sealed.address()), 0, noKeys))
        .hasMessageStartingWith("no key was released for it on this node");
    assertThat(fetches).hasValue(0);
  }

  private record Sealed(byte[] bytes, byte[] address, byte[] key) {}

  private static Sealed sealDirectoryWith(Path dir, String text) throws Exception {
    Path source = Files.createDirectories(dir.resolve("source"));
    Files.writeString(source.resolve("a.txt"), text);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SealingOutputStream sealing = SealingOutputStream.to(out, USER.publicKey(), TRAIN);
    OutputArchive.of(source).writeTo(sealing);
    sealing.close();
    byte[] bytes = out.toByteArray();
    byte[] key = OpeningInputStream.payloadKey(new ByteArrayInputStream(bytes), USER, TRAIN);
    return new Sealed(bytes, MessageDigest.getInstance("SHA-256").digest(bytes), key);
  }

  private static Path keys(Path dir, byte[] key) throws IOException {
    Path keys = Files.createDirectories(dir.resolve("keys-" + System.nanoTime()));
    Files.write(keys.resolve(SealedInputManifest.keyName(0)), key);
    return keys;
  }

  private SealedInputManifest manifest(Path volume, byte[] address) {
    return new SealedInputManifest(
        "net",
        "job-uid",
        java.util.List.of(
            new SealedInputManifest.Entry(
                "data",
                "vol-uid",
                "train",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/inputs/train.aifs",
                address,
                0,
                volume.toString(),
                Map.of())));
  }
}
