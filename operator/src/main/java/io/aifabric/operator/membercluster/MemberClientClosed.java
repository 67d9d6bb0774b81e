package io.aifabric.operator.membercluster;

/** A member's client was closed (its kubeconfig changed or the member left): stop using it. */
public record MemberClientClosed(String cluster) {}
