package io.aifabric.agent.receipt;

import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.agent.mqtt.RetainedUntilAcknowledged;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Proof-of-AI: when a replica ends on this node ({@link io.aifabric.agent.pods.OwnNodePods}),
 * publishes the signed receipt retained on {@code aifabric/v1/receipts/<address>/<job uid>},
 * resending until the broker acknowledges it. A receipt is made once per pod; a restarted agent
 * makes it again from the same pod, byte for byte the same claim.
 */
@ApplicationScoped
public class ReceiptPublisher {
  private static final Logger LOG = Logger.getLogger(ReceiptPublisher.class);
  private final RetainedUntilAcknowledged retained;
  private final NodeKeyring identity;
  private final Set<String> made = ConcurrentHashMap.newKeySet();

  public ReceiptPublisher(@Channel("receipts") Emitter<byte[]> emitter, NodeKeyring identity) {
    this.retained = new RetainedUntilAcknowledged(emitter);
    this.identity = identity;
  }

  /** Makes and publishes the receipt of a pod that ended, once per pod. */
  public void consider(Pod pod) {
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
