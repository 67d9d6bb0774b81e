package io.aifabric.memberagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.memberwork.MemberWork;
import io.aifabric.api.v1alpha1.memberwork.MemberWorkSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberObjectsTest {
  private final MemberWork work = work("uid-1");

  {
    work.getSpec()
        .getManifests()
        .add(object("batch/v1", "Job", "aifabric-ml", "gang-1", ours("uid-1")));
  }

  @Test
  void theTenantNamespaceAndTheJobsServiceAndJobMayBeCreated() {
    assertThat(
            MemberObjects.refusal(object("v1", "Namespace", null, "aifabric-ml", ours(null)), work))
        .isNull();
    assertThat(
            MemberObjects.refusal(
                object("v1", "Service", "aifabric-ml", "gang-1", ours("uid-1")), work))
        .isNull();
    assertThat(
            MemberObjects.refusal(
                object("batch/v1", "Job", "aifabric-ml", "gang-1", ours("uid-1")), work))
        .isNull();
  }

  @Test
  void anythingElseIsRefusedWithWhy() {
    assertThat(
            MemberObjects.refusal(object("v1", "Namespace", null, "kube-system", ours(null)), work))
        .contains("not a tenant namespace");
    assertThat(
            MemberObjects.refusal(
                object(
                    "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, "x", ours("uid-1")),
                work))
        .contains("is not something the network creates in a member");
    assertThat(
            MemberObjects.refusal(
                object("batch/v1", "Job", "kube-system", "j", ours("uid-1")), work))
        .contains("outside the tenant namespaces");
    assertThat(
            MemberObjects.refusal(
                object("batch/v1", "Job", "aifabric-ml", "j", ours("uid-2")), work))
        .contains("not labelled as this job's");
    assertThat(MemberObjects.refusal(object("batch/v1", "Job", "aifabric-ml", "j", Map.of()), work))
        .contains("not labelled as the network's");
  }

  @Test
  void theOnlySecretIsTheJobsUploadUrlsOpaqueAndOwnedByNothingYet() {
    GenericKubernetesResource upload =
        object("v1", "Secret", "aifabric-ml", "gang-1-upload", ours("uid-1"));
    assertThat(MemberObjects.refusal(upload, work)).isNull();
    upload.setAdditionalProperty("type", "Opaque");
    assertThat(MemberObjects.refusal(upload, work)).isNull();

    assertThat(
            MemberObjects.refusal(
                object("v1", "Secret", "aifabric-ml", "registry-creds", ours("uid-1")), work))
        .isEqualTo(
            "Secret registry-creds is not the upload URLs of this work's Job (<job>-upload beside"
                + " it)");
    assertThat(
            MemberObjects.refusal(
                object("v1", "Secret", "aifabric-other", "gang-1-upload", ours("uid-1")), work))
        .contains("is not the upload URLs of this work's Job");
    assertThat(
            MemberObjects.refusal(
                object("v1", "Secret", "aifabric-ml", "gang-1-upload", ours("uid-1")),
                work("uid-1")))
        .contains("is not the upload URLs of this work's Job");

    GenericKubernetesResource token =
        object("v1", "Secret", "aifabric-ml", "gang-1-upload", ours("uid-1"));
    token.setAdditionalProperty("type", "kubernetes.io/service-account-token");
    assertThat(MemberObjects.refusal(token, work))
        .isEqualTo(
            "Secret gang-1-upload is of type kubernetes.io/service-account-token, not Opaque");

    GenericKubernetesResource owned =
        object("v1", "Secret", "aifabric-ml", "gang-1-upload", ours("uid-1"));
    owned
        .getMetadata()
        .setOwnerReferences(
            java.util.List.of(
                new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Namespace")
                    .withName("aifabric-ml")
                    .withUid("ns-uid")
                    .build()));
    assertThat(MemberObjects.refusal(owned, work))
        .isEqualTo("Secret gang-1-upload names its own owners");
  }

  private static Map<String, String> ours(String uid) {
    return uid == null
        ? Map.of(MemberObjects.MANAGED_BY, MemberObjects.OPERATOR)
        : Map.of(MemberObjects.MANAGED_BY, MemberObjects.OPERATOR, MemberObjects.JOB_UID, uid);
  }

  private static GenericKubernetesResource object(
      String apiVersion, String kind, String namespace, String name, Map<String, String> labels) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  private static MemberWork work(String uid) {
    MemberWork work = new MemberWork();
    MemberWorkSpec spec = new MemberWorkSpec();
    spec.setJobUid(uid);
    work.setSpec(spec);
    return work;
  }
}
