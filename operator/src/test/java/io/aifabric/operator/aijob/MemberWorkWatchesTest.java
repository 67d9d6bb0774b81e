package io.aifabric.operator.aijob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

class MemberWorkWatchesTest {

  @Test
  void aMemberObjectLeadsBackToItsAIJobThroughItsLabels() {
    var job =
        new JobBuilder()
            .withNewMetadata()
            .withName("train-1a2b3c4d")
            .withNamespace("aifabric-ml-team")
            .addToLabels(DispatchNames.JOB_NAME, "train")
            .addToLabels(DispatchNames.JOB_NAMESPACE, "ml-team")
            .endMetadata()
            .build();
    assertThat(MemberWorkWatches.owner(job)).containsExactly(new ResourceID("train", "ml-team"));
  }

  @Test
  void anObjectWithoutTheLabelsBelongsToNoAIJob() {
    var job =
        new JobBuilder()
            .withNewMetadata()
            .withName("x")
            .addToLabels(DispatchNames.JOB_NAME, "train")
            .endMetadata()
            .build();
    assertThat(MemberWorkWatches.owner(job)).isEmpty();
    assertThat(MemberWorkWatches.owner(new JobBuilder().withNewMetadata().endMetadata().build()))
        .isEmpty();
  }
}
