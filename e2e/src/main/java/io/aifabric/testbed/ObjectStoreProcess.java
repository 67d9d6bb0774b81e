package io.aifabric.testbed;

import io.aifabric.testing.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * A member's S3-compatible object store: SeaweedFS ({@code weed server} with its filer and S3
 * gateway, one process), built from its Go module by e2e/build.sh, on loopback ports of its own. As
 * the network configures members' stores: reads are anonymous (sealed outputs are ciphertext), and
 * writes need the one credential, which the host keeps (the MemberCluster's credential Secret) and
 * uses only to presign uploads.
 */
public final class ObjectStoreProcess implements AutoCloseable {
  private final Process process;
  private final int s3Port;
  private final String bucket;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final S3Client admin;

  private ObjectStoreProcess(Process process, int s3Port, String bucket, String id, String secret) {
    this.process = process;
    this.s3Port = s3Port;
    this.bucket = bucket;
    this.accessKeyId = id;
    this.secretAccessKey = secret;
    this.admin =
        S3Client.builder()
            .endpointOverride(URI.create(endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret)))
            .forcePathStyle(true)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  /** The weed binary, next to the test bed's (system property aifabric.testbed.bin). */
  public static Path defaultBinary() {
    return Path.of(System.getProperty("aifabric.testbed.bin", "e2e/bin")).resolve("weed");
  }

  /** Starts a store in {@code dir} with one bucket, and waits until it serves it. */
  public static ObjectStoreProcess start(Path weed, Path dir, String bucket) {
    if (!Files.isExecutable(weed)) {
      throw new IllegalStateException(weed + " is missing: run e2e/build.sh");
    }
    try {
      Path data = Files.createDirectories(dir.resolve("data"));
      String id = "aifabric-" + UUID.randomUUID().toString().substring(0, 8);
      String secret = UUID.randomUUID().toString();
      Path identities = dir.resolve("s3-identities.json");
      Files.writeString(
          identities,
          ("{\"identities\":["
                  + "{\"name\":\"anonymous\",\"actions\":[\"Read\"]},"
                  + "{\"name\":\"aifabric\",\"credentials\":[{\"accessKey\":\"%s\",\"secretKey\":"
                  + "\"%s\"}],\"actions\":[\"Admin\",\"Read\",\"List\",\"Write\",\"Tagging\"]}]}")
              .formatted(id, secret));
      int master = FreePort.next();
      int volume = FreePort.next();
      int filer = FreePort.next();
      int s3 = FreePort.next();
      List<String> command =
          new ArrayList<>(
              List.of(
                  weed.toString(),
                  "server",
                  "-dir=" + data,
                  "-ip=127.0.0.1",
                  "-ip.bind=127.0.0.1",
                  "-master.port=" + master,
                  "-master.port.grpc=" + FreePort.next(),
                  "-master.volumeSizeLimitMB=64",
                  "-volume.port=" + volume,
                  "-volume.port.grpc=" + FreePort.next(),
                  "-volume.max=16",
                  "-filer",
                  "-filer.port=" + filer,
                  "-filer.port.grpc=" + FreePort.next(),
                  "-s3",
                  "-s3.port=" + s3,
                  "-s3.port.grpc=" + FreePort.next(),
                  "-s3.port.iceberg=0",
                  "-s3.port.lance=0",
                  "-s3.config=" + identities));
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("weed.log").toFile())
              .start();
      ObjectStoreProcess store = new ObjectStoreProcess(process, s3, bucket, id, secret);
      store.awaitBucket(filer, Duration.ofSeconds(60));
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates the bucket (a directory under the filer's /buckets) once the filer answers, then waits
   * until the S3 gateway serves it.
   */
  private void awaitBucket(int filerPort, Duration limit) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    boolean created = false;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("weed exited with " + process.exitValue());
      }
      try {
        if (!created) {
          created =
              status("POST", "http://127.0.0.1:" + filerPort + "/buckets/" + bucket + "/") == 201;
        }
        if (created && status("GET", endpoint() + "/" + bucket + "/.aifabric-probe") == 404) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("the object store did not serve bucket " + bucket + " in " + limit);
  }

  private static int status(String method, String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(2000);
    c.setReadTimeout(5000);
    try {
      return c.getResponseCode();
    } finally {
      c.disconnect();
    }
  }

  /** The S3 API, path-style. */
  public String endpoint() {
    return "http://127.0.0.1:" + s3Port;
  }

  public String bucket() {
    return bucket;
  }

  public String accessKeyId() {
    return accessKeyId;
  }

  public String secretAccessKey() {
    return secretAccessKey;
  }

  /**
   * A presigned PUT of {@code key}, as the operator's UploadGrants makes one (path-style, this
   * store's credential): what a replica's sealing sidecar uploads with.
   */
  public String presignedPut(String key, Duration validity) {
    try (S3Presigner presigner =
        S3Presigner.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(URI.create(endpoint()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .build()) {
      return presigner
          .presignPutObject(
              PutObjectPresignRequest.builder()
                  .signatureDuration(validity)
                  .putObjectRequest(PutObjectRequest.builder().bucket(bucket).key(key).build())
                  .build())
          .url()
          .toString();
    }
  }

  /** Every object in the bucket and its bytes, read with the store's credential: what it holds. */
  public Map<String, byte[]> objects() {
    Map<String, byte[]> objects = new LinkedHashMap<>();
    for (S3Object object :
        admin
            .listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).build())
            .contents()) {
      objects.put(
          object.key(),
          admin
              .getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(object.key()).build())
              .asByteArray());
    }
    return objects;
  }

  /** Writes an object with the store's credential (a test's setup). */
  public void put(String key, byte[] bytes) {
    admin.putObject(
        PutObjectRequest.builder().bucket(bucket).key(key).build(), RequestBody.fromBytes(bytes));
  }

  /** Deletes an object with the store's credential (a provider dropping it). */
  public void delete(String key) {
    admin.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build());
  }

  @Override
  public void close() {
    admin.close();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
