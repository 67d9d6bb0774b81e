package io.aifabric.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  private static final Pattern IMAGE = Pattern.compile(Formats.IMAGE_REFERENCE);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "busybox",
        "ghcr.io/example/llm-serve:1.4",
        "localhost:5000/app",
        "registry.example.com:443/team/sub/app_name__x.y-z:v1.2.3-rc.1",
        "docker.io/library/ubuntu@sha256:"
            + "45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2",
        "quay.io/org/app:latest@sha256:"
            + "45b23dee08af5e43a7fea6c4cf9c25ccf269ee113168c19722f87876677c5cb2",
        "my-registry/app:TAG_with.Dots-1"
      })
  void takesWhatAKubeletPulls(String image) {
    assertThat(IMAGE.matcher(image).matches()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ghcr.io/org/app 1.0",
        " ghcr.io/org/app",
        "ghcr.io/Org/App:1.0",
        "ghcr.io/org/app:",
        "ghcr.io/org/app:-1",
        "ghcr.io/org/app@sha256:abc",
        "ghcr.io//app",
        "-registry.io/app",
        "app:1.0;rm -rf /"
      })
  void refusesWhatAKubeletCallsInvalidImageName(String image) {
    assertThat(IMAGE.matcher(image).matches()).isFalse();
  }

  @org.junit.jupiter.api.Test
  void aTagIsAtMost128Characters() {
    assertThat(IMAGE.matcher("ghcr.io/org/app:" + "x".repeat(128)).matches()).isTrue();
    assertThat(IMAGE.matcher("ghcr.io/org/app:" + "x".repeat(129)).matches()).isFalse();
  }
}
