package io.aifabric.api.v1alpha1.memberwork;

import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One AIJob's work for a pull member: the manifests the operator would have created in a push
 * member (the tenant namespace, a gang's headless Service, the Indexed Job), written into the
 * member's namespace on the host ({@code aifabric-member-<member>}) for its agent to apply. The
 * agent reports back in the status what it applied and what the member Job and its pods do, and
 * removes the work from its member before the finalizer it adds lets the object go.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@ShortNames("mw")
@Categories(Formats.CATEGORY)
@AdditionalPrinterColumn(
    name = "Job",
    jsonPath = ".spec.jobName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Applied",
    jsonPath = ".status.conditions[?(@.type==\"Applied\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MemberWork extends CustomResource<MemberWorkSpec, MemberWorkStatus>
    implements Namespaced {
  /** The condition the agent sets once every manifest exists in the member. */
  public static final String APPLIED = "Applied";

  /** The agent's finalizer: the object goes only once its work left the member. */
  public static final String FINALIZER = "aifabric.io/member-work";

  /**
   * The name of the work that creates Job {@code name} in tenant namespace {@code namespace} of the
   * member: the operator names it so, and the agent finds the work of a member Job by it.
   */
  public static String nameFor(String namespace, String name) {
    return namespace + "." + name;
  }
}
