package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.memberwork.MemberWork;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent lets the host create in its member: the objects push mode's {@code aifabric-host}
 * identity may create, and nothing else — a Namespace named {@code aifabric-...}, and in it
 * Services, Jobs and the Job's upload-URL Secret; every object labelled as the operator's, and each
 * Service, Job and Secret as the job's its MemberWork names. The agent makes every tenant namespace
 * Pod Security {@code restricted}, and the upload Secret owned by the Job it created. Anything else
 * in a MemberWork is refused with a condition, and nothing of that work is applied.
 */
final class MemberObjects {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String OPERATOR = "aifabric-operator";
  static final String JOB_UID = "aifabric.io/job-uid";
  static final String TENANT_PREFIX = "aifabric-";

  static final String UPLOAD_SUFFIX = "-upload";

  private static final Set<String> NAMESPACED = Set.of("v1/Service", "batch/v1/Job", "v1/Secret");

  private MemberObjects() {}

  /** Why the manifest may not be created in the member, or null if it may. */
  static String refusal(GenericKubernetesResource manifest, MemberWork work) {
    String kind = manifest.getApiVersion() + "/" + manifest.getKind();
    String name = manifest.getMetadata() == null ? null : manifest.getMetadata().getName();
    if (name == null) {
      return kind + " without a name";
    }
    Map<String, String> labels = manifest.getMetadata().getLabels();
    if (labels == null || !OPERATOR.equals(labels.get(MANAGED_BY))) {
      return kind + " " + name + " is not labelled as the network's (" + MANAGED_BY + ")";
    }
    if ("v1/Namespace".equals(kind)) {
      // Shared by the tenant's jobs: labelled as the network's, not as one job's.
      return name.startsWith(TENANT_PREFIX)
          ? null
          : "Namespace " + name + " is not a tenant namespace (" + TENANT_PREFIX + "...)";
    }
    if (!work.getSpec().getJobUid().equals(labels.get(JOB_UID))) {
      return kind + " " + name + " is not labelled as this job's (" + JOB_UID + ")";
    }
    if (!NAMESPACED.contains(kind)) {
      return kind + " is not something the network creates in a member";
    }
    String namespace = manifest.getMetadata().getNamespace();
    if (namespace == null || !namespace.startsWith(TENANT_PREFIX)) {
      return kind + " " + name + " is outside the tenant namespaces (" + namespace + ")";
    }
    return "v1/Secret".equals(kind) ? secretRefusal(manifest, work) : null;
  }

  /**
   * The one Secret a work may hold: its Job's upload URLs, {@code <job>-upload} beside the Job,
   * Opaque (not a service-account token the member would fill in), owned by nothing yet (the agent
   * makes the Job its owner).
   */
  private static String secretRefusal(GenericKubernetesResource secret, MemberWork work) {
    String name = secret.getMetadata().getName();
    Optional<GenericKubernetesResource> job =
        work.getSpec().getManifests().stream().filter(m -> "Job".equals(m.getKind())).findFirst();
    if (job.isEmpty()
        || !name.equals(job.get().getMetadata().getName() + UPLOAD_SUFFIX)
        || !secret.getMetadata().getNamespace().equals(job.get().getMetadata().getNamespace())) {
      return "Secret "
          + name
          + " is not the upload URLs of this work's Job (<job>"
          + UPLOAD_SUFFIX
          + " beside it)";
    }
    Object type = secret.getAdditionalProperties().get("type");
    if (type != null && !"Opaque".equals(type)) {
      return "Secret " + name + " is of type " + type + ", not Opaque";
    }
    List<?> owners = secret.getMetadata().getOwnerReferences();
    if (owners != null && !owners.isEmpty()) {
      return "Secret " + name + " names its own owners";
    }
    return null;
  }
}
