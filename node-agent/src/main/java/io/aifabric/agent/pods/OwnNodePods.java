package io.aifabric.agent.pods;

import io.aifabric.agent.AgentConfig;
import io.aifabric.agent.inputs.InputKeyRelease;
import io.aifabric.agent.receipt.ReceiptPublisher;
import io.aifabric.informers.LostConnectionRetry;
import io.aifabric.informers.OnAddOrUpdate;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

/**
 * The aifabric pods on this node, watched once (a Fabric8 informer, field-selected to the node) for
 * both things the agent does with them: release the keys of a pod's sealed inputs when it is
 * scheduled here, and sign a receipt when a replica ends.
 */
@ApplicationScoped
public class OwnNodePods {
  private static final Logger LOG = Logger.getLogger(OwnNodePods.class);
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final AgentConfig config;
  private final Instance<KubernetesClient> client;
  private final ReceiptPublisher receipts;
  private final InputKeyRelease inputKeys;
  private SharedIndexInformer<Pod> informer;

  public OwnNodePods(
      AgentConfig config,
      Instance<KubernetesClient> client,
      ReceiptPublisher receipts,
      InputKeyRelease inputKeys) {
    this.config = config;
    this.client = client;
    this.receipts = receipts;
    this.inputKeys = inputKeys;
  }

  void start(@Observes StartupEvent event) {
    if (!config.kubernetes()) {
      return;
    }
    informer =
        LostConnectionRetry.inform(
            client
                .get()
                .pods()
                .inAnyNamespace()
                .withLabel(MANAGED_BY, "aifabric-operator")
                .withField("spec.nodeName", config.nodeName()),
            new OnAddOrUpdate<Pod>(this::consider),
            0);
    LOG.infof("watching aifabric pods on node %s", config.nodeName());
  }

  void stop(@Observes ShutdownEvent event) {
    if (informer != null) {
      informer.close();
    }
  }

  private void consider(Pod pod) {
    inputKeys.consider(pod);
    receipts.consider(pod);
  }
}
