package io.aifabric.cli;

import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    description = {
      "Store a sealed input (from 'aifabric seal') in an S3-compatible store with your own store",
      "credential (the AWS SDK's default chain: AWS_ACCESS_KEY_ID and friends), and record it in",
      "the StorageVolume's spec.inputs with its content address. The file is checked first: it",
      "must be this volume's input of that name, sealed to your key. Nodes read it from the URL",
      "without a credential: the store must serve it to them (it is ciphertext)."
    })
final class UploadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();

  @Parameters(index = "0", paramLabel = "VOLUME", description = "The StorageVolume's name.")
  String volumeName;

  @Parameters(index = "1", paramLabel = "INPUT", description = "The input's name.")
  String input;

  @Parameters(index = "2", paramLabel = "FILE", description = "The sealed file.")
  Path file;

  @Option(
      names = "--url",
      required = true,
      description = "Where to store it, path-style: http(s)://store/bucket/key.")
  URI url;

  @Option(
      names = {"-k", "--key"},
      description = "Your key file (default: ${DEFAULT-VALUE}).",
      defaultValue = "${sys:user.home}/.aifabric/key")
  Path key;

  @Option(
      names = "--network",
      description = "The network's id, which the input is bound to (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:AIFABRIC_NETWORK:-aifabric}")
  String network;

  @Option(names = "--progress", description = "Show progress even when stderr is not a terminal.")
  boolean progress;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    X25519KeyPair pair = X25519KeyPair.read(key);
    S3Location at = S3Location.of(url);
    try (KubernetesClient client = host.connect()) {
      StorageVolume volume = host.volume(client, volumeName);
      if (!Arrays.equals(VolumeInputs.sealingKey(volume), pair.publicKey())) {
        throw new IllegalStateException(
            "the key in "
                + key
                + " ("
                + pair.publicKeyBase64()
                + ") is not StorageVolume "
                + volumeName
                + "'s encryptionKey ("
                + volume.getSpec().getEncryptionKey()
                + ")");
      }
      try (InputStream in = Files.newInputStream(file)) {
        // Refuses another volume's or input's file, or one sealed to another key, before sending.
        OpeningInputStream.payloadKey(in, pair, VolumeInputs.binding(network, volume, input));
      }
      long size = Files.size(file);
      byte[] address = put(at, size);
      SealedInput recorded = VolumeInputs.recorded(input, url.toString(), address, size);
      client
          .resources(StorageVolume.class)
          .inNamespace(volume.getMetadata().getNamespace())
          .withName(volumeName)
          .edit(
              v -> {
                v.getSpec().setInputs(VolumeInputs.with(v.getSpec().getInputs(), recorded));
                return v;
              });
      stdout.printf(
          "stored %s at %s (%d bytes) and recorded it as input %s of StorageVolume %s"
              + " (content address %s)%n",
          file, url, size, input, volumeName, recorded.getContentAddress());
    }
    return 0;
  }

  /**
   * Uploads the file; returns its SHA-256, read in a pass of its own before the upload so that a
   * retried request (the SDK resends from a fresh stream) cannot hash a byte twice.
   */
  private byte[] put(S3Location at, long size) throws IOException {
    MessageDigest sha256 = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    Progress bar =
        progress
            ? new Progress(spec.commandLine().getErr(), true)
            : Progress.forTerminal(spec.commandLine().getErr());
    try (S3Client s3 =
        S3Location.client(at.endpoint(), DefaultCredentialsProvider.builder().build())) {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(at.bucket())
              .key(at.key())
              .contentLength(size)
              .contentType("application/octet-stream")
              .build(),
          RequestBody.fromContentProvider(
              () -> {
                bar.start("uploading " + input, size);
                try {
                  return bar.counting(Files.newInputStream(file));
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              size,
              "application/octet-stream"));
    } catch (S3Exception e) {
      throw new IOException(
          "the object store at "
              + at.endpoint()
              + " refused to store "
              + at.bucket()
              + "/"
              + at.key()
              + ": "
              + e.awsErrorDetails().errorMessage());
    } catch (SdkClientException e) {
      throw new IOException(
          "the object store at " + at.endpoint() + " did not answer: " + e.getMessage());
    }
    bar.finish();
    return sha256.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
