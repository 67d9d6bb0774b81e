package io.aifabric.e2e;

import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A class of federation stories: the network joined and the operator running for the class, and a
 * namespace of its own on the host.
 */
@ExtendWith(TestBedExtension.class)
abstract class FederatedE2E {
  static Federation federation;
  static String ns;

  @BeforeAll
  static void startFederation(TestBed bed) throws IOException {
    federation = Federation.start(bed);
    ns = bed.createNamespace(TestBed.HOST, "e2e");
  }

  @AfterAll
  static void stopFederation() {
    if (federation != null) {
      federation.close();
      federation = null;
    }
  }
}
