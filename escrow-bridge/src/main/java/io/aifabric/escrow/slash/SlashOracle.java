package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.api.v1alpha1.settlement.SlashSpec;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.KeyFile;
import io.aifabric.escrow.bridge.RegistryChain;
import io.aifabric.escrow.oracle.OracleAnswer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.web3j.crypto.Credentials;

/**
 * The oracle role for slashes: answers each Slash once, with its signature when its own {@link
 * SlashJudge} finds the finding and the slash is for this chain and registry and expires soon
 * enough; otherwise with its signed refusal. Needs an oracle key and a registry.
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class SlashOracle {
  private static final Logger LOG = Logger.getLogger(SlashOracle.class);

  private final Optional<Credentials> key;
  private final String address;
  private final BridgeConfig config;
  private final EscrowChain chain;
  private final RegistryChain registry;
  private final SlashJudge judge;
  private final BridgeEvents events;
  private final MeterRegistry metrics;

  public SlashOracle(
      BridgeConfig config,
      EscrowChain chain,
      RegistryChain registry,
      SlashJudge judge,
      BridgeEvents events,
      MeterRegistry metrics) {
    this.config = config;
    this.key = config.oracle().keyFile().map(KeyFile::read);
    this.address = key.map(k -> k.getAddress().toLowerCase(Locale.ROOT)).orElse(null);
    this.chain = chain;
    this.registry = registry;
    this.judge = judge;
    this.events = events;
    this.metrics = metrics;
    OracleAnswer.registerResults(metrics, "aifabric_bridge_slash_attestations_total");
  }

  public boolean enabled() {
    return key.isPresent() && registry.enabled();
  }

  /**
   * Answers the slash if this oracle has not yet.
   *
   * @return the slash as written, or as given when there was nothing to do
   */
  public Slash attend(KubernetesClient client, Slash slash) throws Exception {
    if (!enabled()) {
      return slash;
    }
    var status = slash.getStatus();
    if (status != null
        && (status.getPhase() == BatchPhase.Settled || status.getPhase() == BatchPhase.Abandoned)) {
      return slash;
    }
    byte[] digest;
    try {
      digest = SlashSpecs.digest(slash.getSpec(), registry);
    } catch (IllegalArgumentException malformed) {
      LOG.debugf(
          "slash %s is malformed: %s", slash.getMetadata().getName(), malformed.getMessage());
      return slash; // the relayer abandons it
    }
    return OracleAnswer.file(
        client,
        slash,
        address,
        key.get().getEcKeyPair(),
        digest,
        registry.domain(),
        () -> new OracleAnswer.Findings(refusals(slash.getSpec()), List.of()),
        events,
        result ->
            metrics
                .counter("aifabric_bridge_slash_attestations_total", "result", result)
                .increment());
  }

  private List<String> refusals(SlashSpec spec) throws Exception {
    List<String> refusals =
        OracleAnswer.whereAndWhen(
            "slash",
            spec.getChainId(),
            chain.chainId(),
            "registry",
            spec.getRegistry(),
            registry.address(),
            spec.getDeadline(),
            chain.blockTime(),
            config.oracle().maxSignatureLifetime());
    refusals.addAll(judge.refusals(spec, config.slashing().amount()));
    return refusals;
  }
}
