package io.aifabric.escrow.bridge;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on SettlementBatches and AIJobs ({@code kubectl describe} shows who signed, who
 * refused and why, where a batch landed). Settlement is rare next to reconciles, so events are
 * written inline; failing to write one never fails the settlement.
 */
@ApplicationScoped
public class BridgeEvents {
  private static final Logger LOG = Logger.getLogger(BridgeEvents.class);
  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final KubernetesClient client;
  private final String component;

  public BridgeEvents(KubernetesClient client) {
    this.client = client;
    this.component = "aifabric-escrow-bridge";
  }

  public void record(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(object.getMetadata().getNamespace())
            .withName(object.getMetadata().getName() + "." + UUID.randomUUID())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(object.getMetadata().getName())
            .withNamespace(object.getMetadata().getNamespace())
            .withUid(object.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message.length() > 1024 ? message.substring(0, 1024) : message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .build();
    try {
      client
          .v1()
          .events()
          .inNamespace(object.getMetadata().getNamespace())
          .resource(event)
          .create();
    } catch (KubernetesClientException e) {
      LOG.debugf("could not record event %s: %s", reason, e.getMessage());
    }
  }
}
