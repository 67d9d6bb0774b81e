package io.aifabric.operator.outputs;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.protocol.seal.SealedOutputObjects;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PutObjectPresignRequest;

/**
 * One presigned PUT per replica of a job with sealed outputs: each URL lets its bearer write that
 * replica's object in the member's bucket and nothing else, until the run's deadline plus the
 * sealing window has passed. The store's credential stays on the host (a Secret the MemberCluster
 * names); what reaches the member is only these URLs, in a Secret only the sealing sidecar mounts.
 *
 * <p>S3's signature version 4 caps a presigned URL at 7 days; a job may run up to 168 h, so the
 * validity is capped there too (the one case where a job at its very longest could outlive its
 * URLs; said in docs/sealing.md).
 */
@ApplicationScoped
public class UploadGrants {
  static final Duration MAX_VALIDITY = Duration.ofDays(7);

  private final KubernetesClient host;
  private final OperatorConfig config;
  private final Map<String, S3Presigner> presigners = new ConcurrentHashMap<>();

  public UploadGrants(KubernetesClient host, OperatorConfig config) {
    this.host = host;
    this.config = config;
  }

  /** The upload URLs for a job placed on the named member (see below). */
  public List<String> grant(AIJob job, String cluster, Duration run) throws StoreUnusableException {
    MemberCluster member = host.resources(MemberCluster.class).withName(cluster).get();
    if (member == null) {
      throw new StoreUnusableException("NoObjectStore", "member " + cluster + " is gone");
    }
    return grant(job, member, run);
  }

  /** The upload URL of each replica (index = replica), valid for the run and the sealing window. */
  public List<String> grant(AIJob job, MemberCluster member, Duration run)
      throws StoreUnusableException {
    ObjectStore store = member.getSpec().getObjectStore();
    if (store == null) {
      throw new StoreUnusableException(
          "NoObjectStore",
          "member " + member.getMetadata().getName() + " has no object store for sealed outputs");
    }
    AwsBasicCredentials credentials = credentials(member.getMetadata().getName(), store);
    Duration validity = run.plus(config.sealing().window());
    int replicas = job.getSpec().getReplicas() == null ? 1 : job.getSpec().getReplicas();
    return presign(
        presigner(store, credentials),
        store.getBucket(),
        config.networkId(),
        job.getMetadata().getUid(),
        replicas,
        validity);
  }

  /**
   * One presigned PUT per replica of the job's object keys, valid for {@code validity} (at most 7
   * days, S3's limit for a presigned URL).
   */
  static List<String> presign(
      S3Presigner presigner,
      String bucket,
      String network,
      String jobUid,
      int replicas,
      Duration validity) {
    Duration capped = validity.compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : validity;
    List<String> urls = new ArrayList<>();
    for (int replica = 0; replica < replicas; replica++) {
      PutObjectRequest put =
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(SealedOutputObjects.key(network, jobUid, replica))
              .build();
      urls.add(
          presigner
              .presignPutObject(
                  PutObjectPresignRequest.builder()
                      .signatureDuration(capped)
                      .putObjectRequest(put)
                      .build())
              .url()
              .toString());
    }
    return urls;
  }

  private AwsBasicCredentials credentials(String member, ObjectStore store)
      throws StoreUnusableException {
    var ref = store.getCredentialsSecretRef();
    Secret secret = host.secrets().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
    if (secret == null) {
      throw new StoreUnusableException(
          "StoreCredentialsMissing",
          "the object store credential Secret "
              + ref.getNamespace()
              + "/"
              + ref.getName()
              + " of member "
              + member
              + " does not exist");
    }
    String id = value(secret, "accessKeyId");
    String key = value(secret, "secretAccessKey");
    if (id == null || key == null) {
      throw new StoreUnusableException(
          "StoreCredentialsMissing",
          "the object store credential Secret "
              + ref.getNamespace()
              + "/"
              + ref.getName()
              + " of member "
              + member
              + " needs the keys accessKeyId and secretAccessKey");
    }
    return AwsBasicCredentials.create(id, key);
  }

  private static String value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(
              Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8)
          .strip();
    }
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key).strip();
    }
    return null;
  }

  /** Presigners are built once per store and credential (building one loads the SDK's rules). */
  private S3Presigner presigner(ObjectStore store, AwsBasicCredentials credentials) {
    return presigners.computeIfAbsent(
        cacheKey(store, credentials), k -> newPresigner(store, credentials));
  }

  private static String cacheKey(ObjectStore store, AwsBasicCredentials credentials) {
    return store.getUploadEndpoint()
        + "|"
        + store.getEndpoint()
        + "|"
        + store.getRegion()
        + "|"
        + credentials.accessKeyId()
        + "|"
        + Integer.toHexString(credentials.secretAccessKey().hashCode());
  }

  /** A presigner for a store: path-style URLs, the store's region, uploads' own endpoint. */
  static S3Presigner newPresigner(ObjectStore store, AwsBasicCredentials credentials) {
    String endpoint =
        store.getUploadEndpoint() != null ? store.getUploadEndpoint() : store.getEndpoint();
    String region = store.getRegion() == null ? "us-east-1" : store.getRegion();
    return S3Presigner.builder()
        .region(Region.of(region))
        .endpointOverride(URI.create(endpoint))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }
}
