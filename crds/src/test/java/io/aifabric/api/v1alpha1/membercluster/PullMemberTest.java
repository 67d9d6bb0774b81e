package io.aifabric.api.v1alpha1.membercluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PullMemberTest {
  @Test
  void aMemberIsFoundFromItsNamespaceAndNoOtherNamespaceNamesOne() {
    assertThat(PullMember.memberOf(PullMember.namespace("dc-eu"))).contains("dc-eu");
    assertThat(PullMember.memberOf("aifabric-member-")).isEmpty();
    assertThat(PullMember.memberOf("kube-system")).isEmpty();
    assertThat(PullMember.memberOf(null)).isEmpty();
  }
}
