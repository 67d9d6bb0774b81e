package io.aifabric.cli;

import io.aifabric.protocol.seal.X25519KeyPair;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Make an X25519 key pair for sealed outputs and write it to a file only you can read.",
      "Put the public key it prints in an AIJob's spec.encryption.userPublicKey; the job's",
      "outputs can then be opened with this file only. It is never overwritten: keep it safe."
    })
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--out"},
      description = "The key file to write (default: ${DEFAULT-VALUE}).",
      defaultValue = "${sys:user.home}/.aifabric/key")
  Path out;

  @Override
  public Integer call() throws Exception {
    X25519KeyPair pair = X25519KeyPair.generate(new SecureRandom());
    pair.write(out);
    spec.commandLine().getOut().println(pair.publicKeyBase64());
    spec.commandLine()
        .getErr()
        .println("key pair written to " + out + " (owner-only); the line above is its public key");
    return 0;
  }
}
