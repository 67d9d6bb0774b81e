package io.aifabric.api.v1alpha1.membercluster;

/**
 * Where a pull member lives on the host, as the operator, the CLI and the member's agent all name
 * it: a namespace of its own, {@code aifabric-member-<name>}, labelled with the member's name; in
 * it the agent's ServiceAccount (and Lease) and, until the agent has joined, the joiner's.
 */
public final class PullMember {
  public static final String NAMESPACE_PREFIX = "aifabric-member-";
  public static final String MEMBER_LABEL = "aifabric.io/member";

  /** The agent's ServiceAccount, and the Lease it renews. */
  public static final String AGENT = "agent";

  /** The ServiceAccount whose tokens are join tokens: it may only mint the agent's token. */
  public static final String JOINER = "join";

  /** On the agent's Lease: the member's Kubernetes version and node count, as its agent saw. */
  public static final String KUBERNETES_VERSION_ANNOTATION = "aifabric.io/kubernetes-version";

  public static final String NODE_COUNT_ANNOTATION = "aifabric.io/node-count";

  private PullMember() {}

  public static String namespace(String member) {
    return NAMESPACE_PREFIX + member;
  }

  /** The member whose namespace this is, or empty for any other namespace. */
  public static java.util.Optional<String> memberOf(String namespace) {
    return namespace != null
            && namespace.startsWith(NAMESPACE_PREFIX)
            && namespace.length() > NAMESPACE_PREFIX.length()
        ? java.util.Optional.of(namespace.substring(NAMESPACE_PREFIX.length()))
        : java.util.Optional.empty();
  }
}
