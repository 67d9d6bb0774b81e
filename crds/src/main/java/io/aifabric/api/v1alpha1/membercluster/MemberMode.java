package io.aifabric.api.v1alpha1.membercluster;

/**
 * How the host reaches a member. {@code Push}: the host holds the member's kubeconfig and calls its
 * API server. {@code Pull}: the member's aifabric agent dials out to the host with an identity of
 * its own, for data centers behind NAT or a firewall that hand out no credential; the host holds
 * none for the member.
 */
public enum MemberMode {
  Push,
  Pull
}
