package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ChainRegistrationSignature;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.operator.proof.NodeKeys;
import io.aifabric.operator.proof.RegistrationCheck;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.chain.SignedChainRegistration;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A ComputeNode's identity: the node agent's registration on the member's Node, checked (once per
 * annotation text) to be signed by the key it names for this very node, recorded in {@code
 * status.identity} and the key directory heartbeats are checked against, with the {@code
 * Registered} condition saying why when it is not; and the node's NodeRegistry registration
 * signature, passed on only when its registered key signed it.
 */
@ApplicationScoped
public class NodeRegistrationStatus {
  static final String REGISTERED = "Registered";

  private final Conditions conditions;
  private final NodeKeys keys;
  private final Map<String, CheckedRegistration> checkedRegistrations = new ConcurrentHashMap<>();
  private final Map<String, CheckedChainRegistration> checkedChainRegistrations =
      new ConcurrentHashMap<>();

  /** A node's registration annotation as last seen, and what checking it found. */
  private record CheckedRegistration(String annotation, RegistrationCheck.Result result) {}

  public NodeRegistrationStatus(Conditions conditions, NodeKeys keys) {
    this.conditions = conditions;
    this.keys = keys;
  }

  /**
   * Records the node agent's registration when the member's Node carries a valid one for this very
   * node: its keys go to status and to the key directory heartbeats are checked against. Anything
   * else leaves the node without a registered key, and Registered says why.
   */
  public void apply(
      String cluster, GpuNodeInventory node, ComputeNode cn, ComputeNodeStatus status) {
    String name = cn.getMetadata().getName();
    Long generation = cn.getMetadata().getGeneration();
    // The annotation rarely changes: its check (a decode and a signature) is done once per text.
    RegistrationCheck.Result result =
        checkedRegistrations
            .compute(
                name,
                (k, last) ->
                    last != null && Objects.equals(last.annotation(), node.registration())
                        ? last
                        : new CheckedRegistration(
                            node.registration(),
                            RegistrationCheck.check(cluster, node.nodeName(), node.registration())))
            .result();
    if (!result.accepted()) {
      keys.forget(name);
      status.setIdentity(null);
      conditions.set(
          status.getConditions(),
          REGISTERED,
          "AwaitingNodeAgent".equals(result.reason()) ? Conditions.UNKNOWN : Conditions.FALSE,
          result.reason(),
          result.message(),
          generation);
      return;
    }
    NodeRegistration registration = result.registration();
    if (!keys.register(name, registration.key())) {
      status.setIdentity(null);
      conditions.set(
          status.getConditions(),
          REGISTERED,
          Conditions.FALSE,
          "KeyInUse",
          "key "
              + registration.key().address().checksummed()
              + " is already registered by "
              + keys.holderOtherThan(name, registration.key().address()).orElse("another node"),
          generation);
      return;
    }
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(registration.key().address().checksummed());
    identity.setPublicKey(Hex.encode(registration.key().toBytes()));
    identity.setX25519PublicKey(Hex.encode(registration.x25519PublicKey()));
    identity.setBrokerKey(Hex.encode(registration.brokerKey()));
    // Checked once per annotation text, like the registration: a signature check per probe and
    // node would cost the probe more than all its other work.
    identity.setChainRegistration(
        checkedChainRegistrations
            .compute(
                name,
                (k, last) ->
                    last != null
                            && Objects.equals(last.annotation(), node.chainRegistration())
                            && Objects.equals(last.key(), identity.getPublicKey())
                        ? last
                        : new CheckedChainRegistration(
                            node.chainRegistration(),
                            identity.getPublicKey(),
                            chainRegistration(node, registration)))
            .signature());
    status.setIdentity(identity);
    conditions.set(
        status.getConditions(),
        REGISTERED,
        Conditions.TRUE,
        "Registered",
        result.message(),
        generation);
  }

  /** A node's chain-registration annotation as last seen, for which key, and what it checked as. */
  private record CheckedChainRegistration(
      String annotation, String key, ChainRegistrationSignature signature) {}

  /**
   * The node's signed NodeRegistry registration, when it carries one its registered key signed;
   * anything else is not passed on (a provider would submit a signature the registry refuses).
   */
  private static ChainRegistrationSignature chainRegistration(
      GpuNodeInventory node, NodeRegistration registration) {
    if (node.chainRegistration() == null) {
      return null;
    }
    try {
      SignedChainRegistration signed = SignedChainRegistration.parse(node.chainRegistration());
      if (!signed.signedBy(registration.key())) {
        return null;
      }
      ChainRegistrationSignature out = new ChainRegistrationSignature();
      out.setChainId(signed.chainId());
      out.setRegistry(signed.registry().toLowerCase(java.util.Locale.ROOT));
      out.setProvider(signed.registration().provider().toLowerCase(java.util.Locale.ROOT));
      out.setNonce(signed.registration().nonce());
      out.setSignature(signed.signature().toString());
      return out;
    } catch (MalformedMessageException e) {
      return null;
    }
  }

  /** The node left: what was checked of its annotations goes too. */
  void forget(String computeNode) {
    checkedRegistrations.remove(computeNode);
    checkedChainRegistrations.remove(computeNode);
  }
}
