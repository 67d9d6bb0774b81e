package io.aifabric.sealer;

import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.ArchiveUnpacker;
import io.aifabric.protocol.seal.SealedFiles;
import io.aifabric.protocol.seal.SealedInputManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The input step of a pod whose job mounts volumes with sealed inputs (the sealer image's {@code
 * open-inputs} mode, an init container before the job's): for each input in the pod's {@link
 * SealedInputManifest}, fetches the sealed bytes from their URL, opens them with the key the node
 * agent released for this node ({@code <keys dir>/input-<i>}), checks every chunk and the content
 * address before anything is kept, and unpacks the archive into {@code <mountPath>/<input>}.
 *
 * <p>Idempotent across retries and reuse of a volume: an input whose marker ({@code
 * <mountPath>/.aifabric-inputs/<input>.address}) names its content address is not opened again; a
 * half-done earlier attempt is cleared first. The plaintext is written only inside the volume.
 *
 * <p>Exit codes: 0 every input is there; 1 an input could not be fetched or opened (the termination
 * message says which); 2 the pod's settings are wrong.
 */
public final class InputOpener {
  static final String MANIFEST = "AIFABRIC_SEALED_INPUTS";
  static final String KEYS_DIR = "AIFABRIC_INPUT_KEYS_DIR";
  static final String TERMINATION_LOG = "AIFABRIC_INPUT_TERMINATION_LOG";
  private static final String STATE_DIR = ".aifabric-inputs";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** What happened to one input. */
  record Opened(String input, boolean alreadyThere, long files, long bytes) {}

  public static void main(String[] args) throws Exception {
    Path terminationLog =
        Path.of(System.getenv().getOrDefault(TERMINATION_LOG, "/dev/termination-log"));
    SealedInputManifest manifest;
    try {
      manifest = SealedInputManifest.parse(System.getenv(MANIFEST));
    } catch (IOException e) {
      report(terminationLog, "the pod's sealed-inputs manifest: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path keys = Path.of(System.getenv().getOrDefault(KEYS_DIR, "/aifabric/input-keys"));
    InputOpener opener = new InputOpener();
    for (int i = 0; i < manifest.inputs().size(); i++) {
      SealedInputManifest.Entry entry = manifest.inputs().get(i);
      try {
        Opened opened = opener.open(manifest, i, keys);
        System.out.printf(
            "aifabric input step: %s of volume %s %s%n",
            entry.input(),
            entry.volume(),
            opened.alreadyThere()
                ? "was opened before"
                : "opened: " + opened.files() + " files, " + opened.bytes() + " bytes");
      } catch (IOException e) {
        report(
            terminationLog,
            "opening input "
                + entry.input()
                + " of volume "
                + entry.volume()
                + ": "
                + e.getMessage());
        System.exit(1);
      }
    }
    System.exit(0);
  }

  /** Opens input {@code index} of the manifest into its volume, unless it is there already. */
  Opened open(SealedInputManifest manifest, int index, Path keysDir) throws IOException {
    SealedInputManifest.Entry entry = manifest.inputs().get(index);
    Path mount = Path.of(entry.mountPath());
    Path state = Files.createDirectories(mount.resolve(STATE_DIR));
    Path target = mount.resolve(entry.input());
    Path marker = state.resolve(entry.input() + ".address");
    String address = Hex.encode(entry.contentAddress());
    if (Files.isDirectory(target)
        && Files.exists(marker)
        && Files.readString(marker, StandardCharsets.US_ASCII).equals(address)) {
      return new Opened(entry.input(), true, 0, 0);
    }
    byte[] key;
    try {
      key = Files.readAllBytes(keysDir.resolve(SealedInputManifest.keyName(index)));
    } catch (NoSuchFileException e) {
      throw new IOException("no key was released for it on this node (" + e.getMessage() + ")");
    }
    Path tar = state.resolve(entry.input() + ".tar");
    Path partial = state.resolve(entry.input() + ".partial");
    deleteTree(partial);
    Files.deleteIfExists(marker);
    try {
      try (InputStream sealed = fetch(URI.create(entry.url()))) {
        Files.deleteIfExists(tar);
        SealedFiles.openGranted(
            sealed, key, entry.binding(manifest.network()), entry.contentAddress(), tar);
      }
      ArchiveUnpacker.Unpacked unpacked;
      try (InputStream in = Files.newInputStream(tar)) {
        unpacked = ArchiveUnpacker.unpack(in, partial);
      }
      deleteTree(target);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(marker, address, StandardCharsets.US_ASCII);
      return new Opened(entry.input(), false, unpacked.files(), unpacked.bytes());
    } finally {
      Files.deleteIfExists(tar);
      deleteTree(partial);
    }
  }

  private InputStream fetch(URI url) throws IOException {
    HttpResponse<InputStream> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + url, e);
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException(url + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void report(Path terminationLog, String message) {
    System.err.println("aifabric input step: " + message);
    try {
      Files.writeString(terminationLog, message, StandardCharsets.UTF_8);
    } catch (IOException ignored) {
      // Said on stderr already.
    }
  }
}
