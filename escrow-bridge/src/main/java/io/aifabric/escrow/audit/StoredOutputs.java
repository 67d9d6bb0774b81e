package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Looks a sealed output up in a member's object store, as anyone may: sealed outputs are ciphertext
 * and their buckets serve reads without a credential, so an oracle needs none. A HEAD, not a
 * download: the oracle checks the output is there and of the size its node signed for; the user's
 * fetch checks every byte against the content address.
 */
@ApplicationScoped
public class StoredOutputs implements JobAudit.OutputLookup {
  private final Map<String, S3Client> clients = new ConcurrentHashMap<>();

  @Override
  public OptionalLong size(ObjectStore store, String key) {
    S3Client s3 =
        clients.computeIfAbsent(store.getEndpoint() + "|" + store.getRegion(), k -> client(store));
    try {
      return OptionalLong.of(
          s3.headObject(HeadObjectRequest.builder().bucket(store.getBucket()).key(key).build())
              .contentLength());
    } catch (NoSuchKeyException e) {
      return OptionalLong.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  private static S3Client client(ObjectStore store) {
    return S3Client.builder()
        .endpointOverride(URI.create(store.getEndpoint()))
        .region(Region.of(store.getRegion() == null ? "us-east-1" : store.getRegion()))
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .forcePathStyle(true)
        .httpClient(
            UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(10))
                .build())
        .build();
  }

  @PreDestroy
  void close() {
    clients.values().forEach(S3Client::close);
  }
}
