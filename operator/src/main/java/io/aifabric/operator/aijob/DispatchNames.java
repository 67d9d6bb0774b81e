package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import java.util.Map;

/**
 * Deterministic names and labels of what an AIJob becomes in its member cluster, so that a crash
 * between creating it and recording it can never create a second copy.
 */
public final class DispatchNames {
  public static final String JOB_UID = "aifabric.io/job-uid";
  public static final String JOB_NAME = "aifabric.io/job-name";
  public static final String JOB_NAMESPACE = "aifabric.io/job-namespace";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "aifabric-operator";

  private DispatchNames() {}

  /** The tenant's namespace in the member: one per host namespace. */
  public static String namespace(AIJob job) {
    return truncate("aifabric-" + job.getMetadata().getNamespace(), 63);
  }

  /**
   * The member Job's (and headless Service's) name: the AIJob's name and a prefix of its UID, so a
   * re-created AIJob of the same name never adopts the old one's work. Short enough for the pods'
   * hostnames (name-index) to stay within 63 characters.
   */
  public static String name(AIJob job) {
    String uid = job.getMetadata().getUid().replace("-", "").substring(0, 8);
    return truncate(job.getMetadata().getName(), 48).replaceAll("[-.]+$", "") + "-" + uid;
  }

  public static Map<String, String> labels(AIJob job) {
    return Map.of(
        JOB_UID, job.getMetadata().getUid(),
        JOB_NAME, truncate(job.getMetadata().getName(), 63),
        JOB_NAMESPACE, job.getMetadata().getNamespace(),
        MANAGED_BY, OPERATOR);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
