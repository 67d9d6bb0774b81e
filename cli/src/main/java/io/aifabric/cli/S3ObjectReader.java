package io.aifabric.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads sealed outputs from members' S3-compatible stores with the AWS SDK. Sealed outputs are
 * ciphertext served to anyone, so reads are anonymous by default; a store that wants a credential
 * gets the SDK's default chain (AWS_ACCESS_KEY_ID and friends) with {@code --store-credentials}.
 */
final class S3ObjectReader implements ObjectReader, AutoCloseable {
  private final AwsCredentialsProvider credentials;
  private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

  S3ObjectReader(boolean withCredentials) {
    this.credentials =
        withCredentials
            ? DefaultCredentialsProvider.builder().build()
            : AnonymousCredentialsProvider.create();
  }

  @Override
  public InputStream open(URI url) throws IOException {
    S3Location at = S3Location.of(url);
    String endpoint = at.endpoint();
    String bucket = at.bucket();
    String key = at.key();
    S3Client s3 = clients.computeIfAbsent(endpoint, e -> S3Location.client(e, credentials));
    try {
      return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build());
    } catch (NoSuchKeyException e) {
      throw new IOException("the object store at " + endpoint + " has no " + bucket + "/" + key);
    } catch (S3Exception e) {
      throw new IOException(
          "the object store at "
              + endpoint
              + " refused "
              + bucket
              + "/"
              + key
              + ": "
              + e.awsErrorDetails().errorMessage());
    } catch (SdkClientException e) {
      throw new IOException(
          "the object store at " + endpoint + " did not answer: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    clients.values().forEach(S3Client::close);
  }
}
