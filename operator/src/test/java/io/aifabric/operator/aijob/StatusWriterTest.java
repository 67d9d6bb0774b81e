package io.aifabric.operator.aijob;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class StatusWriterTest {

  private static AIJob job(String uid, String resourceVersion) {
    AIJob job = new AIJob();
    job.setMetadata(
        new ObjectMetaBuilder()
            .withName("j")
            .withNamespace("ns")
            .withUid(uid)
            .withResourceVersion(resourceVersion)
            .build());
    return job;
  }

  @Test
  void aCopyOlderThanOurLastWriteIsBehind() {
    StatusWriter writer = new StatusWriter();
    writer.wrote(job("a", "120"));
    assertThat(writer.isBehind(job("a", "119"))).isTrue();
    assertThat(writer.isBehind(job("a", "120"))).isFalse();
    assertThat(writer.isBehind(job("a", "121"))).isFalse();
    // Another job, or one never written, is never behind.
    assertThat(writer.isBehind(job("b", "1"))).isFalse();
  }

  @Test
  void anOlderWriteDoesNotMoveTheMarkBack() {
    StatusWriter writer = new StatusWriter();
    writer.wrote(job("a", "120"));
    writer.wrote(job("a", "100"));
    assertThat(writer.isBehind(job("a", "110"))).isTrue();
  }

  @Test
  void opaqueVersionsDisableTheGuardAndForgetClearsIt() {
    StatusWriter writer = new StatusWriter();
    writer.wrote(job("a", "120"));
    assertThat(writer.isBehind(job("a", "not-a-number"))).isFalse();
    writer.forget("a");
    assertThat(writer.isBehind(job("a", "1"))).isFalse();
  }
}
