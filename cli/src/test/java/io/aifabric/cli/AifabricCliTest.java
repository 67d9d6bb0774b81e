package io.aifabric.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class AifabricCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = AifabricCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "keygen",
        "submit",
        "status",
        "fetch",
        "seal",
        "upload",
        "grant",
        "withdraw",
        "stake",
        "register-node"
      })
  void everyCommandExplainsItself(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: aifabric " + command);
  }

  @Test
  void keygenWritesAnOwnerOnlyKeyAndPrintsItsPublicHalfButNeverOverwrites(@TempDir Path dir)
      throws Exception {
    Path key = dir.resolve("keys/me");
    assertThat(run("keygen", "--out", key.toString())).isZero();

    X25519KeyPair pair = X25519KeyPair.read(key);
    assertThat(out.toString().strip()).isEqualTo(pair.publicKeyBase64());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");

    byte[] before = Files.readAllBytes(key);
    assertThat(run("keygen", "--out", key.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("a key file is never overwritten");
    assertThat(Files.readAllBytes(key)).isEqualTo(before);
  }

  @Test
  void aMissingKeyFileIsSaidPlainly(@TempDir Path dir) {
    assertThat(run("fetch", "job", "--key", dir.resolve("none").toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("aifabric: no such file: " + dir.resolve("none"));
  }
}
