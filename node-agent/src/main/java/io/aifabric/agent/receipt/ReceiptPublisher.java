package io.aifabric.agent.receipt;

import io.aifabric.agent.AgentConfig;
import io.aifabric.agent.identity.NodeIdentity;
import io.aifabric.agent.mqtt.RetainedUntilAcknowledged;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Proof-of-AI: watches the aifabric pods on this node (a Fabric8 informer, field-selected to the
 * node) and, when a replica ends, publishes the signed receipt retained on {@code
 * aifabric/v1/receipts/<address>/<job uid>}, resending until the broker acknowledges it. A receipt
 * is made once per pod; a restarted agent makes it again from the same pod, byte for byte the same
 * claim.
 */
@ApplicationScoped
public class ReceiptPublisher {
  private static final Logger LOG = Logger.getLogger(ReceiptPublisher.class);
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final RetainedUntilAcknowledged retained;
  private final NodeIdentity identity;
  private final AgentConfig config;
  private final Instance<KubernetesClient> client;
  private final Set<String> made = ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<Pod> informer;

  public ReceiptPublisher(
      @Channel("receipts") Emitter<byte[]> emitter,
      NodeIdentity identity,
      AgentConfig config,
      Instance<KubernetesClient> client) {
    this.retained = new RetainedUntilAcknowledged(emitter);
    this.identity = identity;
    this.config = config;
    this.client = client;
  }

  void start(@Observes StartupEvent event) {
    if (!config.kubernetes()) {
      return;
    }
    informer =
        client
            .get()
            .pods()
            .inAnyNamespace()
            .withLabel(MANAGED_BY, "aifabric-operator")
            .withField("spec.nodeName", config.nodeName())
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    consider(pod);
                  }

                  @Override
                  public void onUpdate(Pod before, Pod pod) {
                    consider(pod);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknownFinalState) {}
                },
                0);
    LOG.infof("watching aifabric pods on node %s for receipts", config.nodeName());
  }

  void stop(@Observes ShutdownEvent event) {
    if (informer != null) {
      informer.close();
    }
  }

  void consider(Pod pod) {
    String podUid = pod.getMetadata().getUid();
    if (made.contains(podUid)) {
      return;
    }
    ReceiptMaker.fromPod(pod, identity.address())
        .ifPresent(
            receipt -> {
              made.add(podUid);
              byte[] payload = ReceiptCodec.encode(receipt.sign(identity.signingKey()));
              LOG.infof(
                  "receipt: job %s replica %d, %d GPU-seconds, exit %d",
                  receipt.jobUid(), receipt.replica(), receipt.gpuSeconds(), receipt.exitCode());
              retained.publish(Topics.receipt(receipt.node(), receipt.jobUid()), payload);
            });
  }

  @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void resendUnacknowledged() {
    retained.resend();
  }
}
