package io.aifabric.operator.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

class UploadGrantsTest {
  private final ObjectStore store = store();

  @Test
  void eachReplicaGetsAPutOfItsOwnObjectSignedForTheHostOnly() {
    List<String> urls =
        UploadGrants.presign(
            UploadGrants.newPresigner(store, AwsBasicCredentials.create("AKID", "SECRET")),
            "outputs",
            "aifabric",
            "uid-1",
            3,
            Duration.ofHours(2));

    assertThat(urls).hasSize(3);
    for (int replica = 0; replica < 3; replica++) {
      URI url = URI.create(urls.get(replica));
      // Path-style, at the address the member's pods reach, for this replica's key only.
      assertThat(url.getScheme() + "://" + url.getAuthority())
          .isEqualTo("http://store.member:8333");
      assertThat(url.getPath())
          .isEqualTo("/outputs/aifabric/aifabric/uid-1/replica-" + replica + ".aifs");
      assertThat(url.getQuery())
          .contains("X-Amz-Expires=7200")
          .contains("X-Amz-SignedHeaders=host&")
          .contains("X-Amz-Credential=AKID/")
          .doesNotContain("SECRET");
    }
  }

  @Test
  void aUrlLivesAtMostTheSevenDaysS3Allows() {
    List<String> urls =
        UploadGrants.presign(
            UploadGrants.newPresigner(store, AwsBasicCredentials.create("AKID", "SECRET")),
            "outputs",
            "aifabric",
            "uid-1",
            1,
            Duration.ofHours(169));
    assertThat(urls.get(0)).contains("X-Amz-Expires=604800");
  }

  private static ObjectStore store() {
    ObjectStore store = new ObjectStore();
    store.setEndpoint("https://s3.dc.example");
    store.setUploadEndpoint("http://store.member:8333");
    store.setBucket("outputs");
    store.setRegion("eu-west-1");
    return store;
  }
}
