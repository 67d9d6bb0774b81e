package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.SlashingEvent;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.api.v1alpha1.settlement.SlashSpec;
import io.aifabric.escrow.audit.HostView;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.RegistryChain;
import io.aifabric.protocol.SlashEvidence;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.web3j.utils.Numeric;

/**
 * Turns the slashing cases the operator records in ComputeNode status (a finding and the digest of
 * the node's signed hardware report) into Slashes, every {@code batchInterval}: one per finding
 * whose node is registered to a provider on chain, for the configured amount, named after its
 * evidence — so two relayers, or one after a restart, create it once. Whether a case is real is not
 * the planner's to say: each oracle judges it on its own before it signs.
 */
@ApplicationScoped
public class SlashPlanner {
  private static final Logger LOG = Logger.getLogger(SlashPlanner.class);
  private static final String EVIDENCE_PREFIX = "keccak256:";

  private final KubernetesClient client;
  private final BridgeConfig config;
  private final EscrowChain chain;
  private final RegistryChain registry;
  private final HostView host;
  private final SlashRelay relay;

  public SlashPlanner(
      KubernetesClient client,
      BridgeConfig config,
      EscrowChain chain,
      RegistryChain registry,
      HostView host,
      SlashRelay relay) {
    this.client = client;
    this.config = config;
    this.chain = chain;
    this.registry = registry;
    this.host = host;
    this.relay = relay;
  }

  /** A Slash's name: its evidence, so one finding is one Slash whoever plans it. */
  private static String name(byte[] evidence) {
    return Slash.nameFor(Numeric.toHexString(evidence));
  }

  @Scheduled(
      every = "${aifabric.bridge.relayer.batch-interval:30s}",
      delayed = "3s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void plan() {
    if (!relay.enabled() || !host.synced()) {
      return;
    }
    try {
      planOnce();
    } catch (Exception e) {
      LOG.warnf("planning slashes: %s", e.getMessage());
    }
  }

  /**
   * @return the Slashes created
   */
  List<Slash> planOnce() throws Exception {
    Set<String> planned = new HashSet<>();
    client
        .resources(Slash.class)
        .inNamespace(config.namespace())
        .list()
        .getItems()
        .forEach(s -> planned.add(s.getMetadata().getName()));
    List<Slash> created = new ArrayList<>();
    for (ComputeNode node : host.computeNodes()) {
      var status = node.getStatus();
      if (status == null
          || status.getSlashingEvents().isEmpty()
          || status.getIdentity() == null
          || status.getIdentity().getAddress() == null) {
        continue;
      }
      String address = status.getIdentity().getAddress().toLowerCase(Locale.ROOT);
      Optional<String> provider = Optional.empty();
      for (SlashingEvent event : status.getSlashingEvents()) {
        Optional<byte[]> report = reportDigest(event);
        if (report.isEmpty()) {
          continue;
        }
        byte[] evidence = SlashEvidence.of(event.getReason(), report.get());
        if (planned.contains(name(evidence))) {
          continue;
        }
        if (provider.isEmpty()) {
          provider = registry.providerOf(address);
          if (provider.isEmpty()) {
            LOG.debugf(
                "ComputeNode %s has slashing cases but is registered to no provider on chain",
                node.getMetadata().getName());
            break;
          }
        }
        create(node, address, provider.get(), event.getReason(), report.get(), evidence)
            .ifPresent(created::add);
        planned.add(name(evidence));
      }
    }
    return created;
  }

  private Optional<Slash> create(
      ComputeNode node,
      String address,
      String provider,
      String reason,
      byte[] report,
      byte[] evidence)
      throws Exception {
    SlashSpec spec = new SlashSpec();
    spec.setChainId(chain.chainId());
    spec.setRegistry(registry.address());
    spec.setComputeNode(node.getMetadata().getName());
    spec.setNode(address);
    spec.setProvider(provider);
    spec.setReason(reason);
    spec.setReport(Numeric.toHexString(report));
    spec.setEvidence(Numeric.toHexString(evidence));
    spec.setAmount(config.slashing().amount().toString());
    spec.setDeadline(chain.blockTime() + config.relayer().signatureLifetime().toSeconds());
    Slash slash = new Slash();
    slash.getMetadata().setNamespace(config.namespace());
    slash.getMetadata().setName(name(evidence));
    slash.setSpec(spec);
    try {
      Slash made = client.resource(slash).create();
      LOG.infof(
          "slash %s: %s of ComputeNode %s, provider %s",
          made.getMetadata().getName(), reason, spec.getComputeNode(), provider);
      return Optional.of(made);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Optional.empty(); // another planner made it
      }
      throw e;
    }
  }

  /** The report digest a slashing case rests on ("keccak256:0x..."), if it is one. */
  private static Optional<byte[]> reportDigest(SlashingEvent event) {
    String evidence = event.getEvidence();
    if (event.getReason() == null
        || evidence == null
        || !evidence.startsWith(EVIDENCE_PREFIX)
        || !evidence.substring(EVIDENCE_PREFIX.length()).matches("0x[0-9a-f]{64}")) {
      return Optional.empty();
    }
    return Optional.of(Numeric.hexStringToByteArray(evidence.substring(EVIDENCE_PREFIX.length())));
  }
}
