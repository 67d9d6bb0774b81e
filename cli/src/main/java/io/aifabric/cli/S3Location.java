package io.aifabric.cli;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An object in an S3-compatible store, named by its path-style URL ({@code
 * http(s)://endpoint/bucket/key}): the form the network's stores serve sealed objects at.
 */
record S3Location(String endpoint, String bucket, String key) {
  static S3Location of(URI url) throws IOException {
    String path = url.getRawPath();
    int slash = path == null ? -1 : path.indexOf('/', 1);
    if (url.getScheme() == null
        || !url.getScheme().startsWith("http")
        || slash < 0
        || slash == path.length() - 1) {
      throw new IOException(url + " names no object (path-style URL: http(s)://host/bucket/key)");
    }
    return new S3Location(
        url.getScheme() + "://" + url.getRawAuthority(),
        path.substring(1, slash),
        path.substring(slash + 1));
  }

  /** A client for the store: path-style, the JDK's HTTP client, bounded waits. */
  static S3Client client(String endpoint, AwsCredentialsProvider credentials) {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials)
        .forcePathStyle(true)
        .httpClient(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build())
        .build();
  }

  @Override
  public String toString() {
    return endpoint + "/" + bucket + "/" + key;
  }
}
