package io.aifabric.cli;

import io.aifabric.api.v1alpha1.computenode.ChainRegistrationSignature;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.protocol.Hex;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "register-node",
    mixinStandardHelpOptions = true,
    description = {
      "Register a node in the NodeRegistry to its provider, from the provider's own key, with the",
      "registration the node's agent signed (its ComputeNode's status.identity.chainRegistration:",
      "the member chart's nodeAgent.chain settings). The registry checks the node key's signature,",
      "so only a node that agreed to serve this provider can be registered to it."
    })
final class RegisterNodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ChainOptions chain = new ChainOptions();
  @Mixin HostOptions host = new HostOptions();

  @Parameters(paramLabel = "NODE", description = "The ComputeNode (member.node) to register.")
  String name;

  @Option(
      names = {"-k", "--key"},
      required = true,
      description = "The file with the provider's chain key (0x and 64 hex digits, owner-only).")
  Path key;

  @Override
  public Integer call() throws Exception {
    ChainRegistrationSignature signed;
    String node;
    try (KubernetesClient client = host.connect()) {
      ComputeNode computeNode = client.resources(ComputeNode.class).withName(name).get();
      if (computeNode == null) {
        throw new IllegalArgumentException("no ComputeNode " + name + " on the host");
      }
      var identity = computeNode.getStatus() == null ? null : computeNode.getStatus().getIdentity();
      if (identity == null || identity.getAddress() == null) {
        throw new IllegalStateException(
            "ComputeNode " + name + " has no registered key: its agent has not joined yet");
      }
      node = identity.getAddress();
      signed = identity.getChainRegistration();
      if (signed == null) {
        throw new IllegalStateException(
            "node "
                + name
                + "'s agent has signed no chain registration: set nodeAgent.chain (id, registry,"
                + " provider) in its member chart");
      }
    }
    try (RegistryClient registry = chain.openRegistry(key)) {
      check(signed, registry, node);
      TransactionReceipt receipt =
          registry.registerNode(node, Hex.decode(signed.getSignature(), 65));
      spec.commandLine()
          .getOut()
          .printf(
              "registered %s (%s) to %s: transaction %s, block %s; the provider's tier is %d%n",
              name,
              node,
              registry.address(),
              receipt.getTransactionHash(),
              receipt.getBlockNumber(),
              registry.tierOf(registry.address()));
    }
    return 0;
  }

  /** The signature is for this chain, this registry, this key's provider, the nonce due. */
  private void check(ChainRegistrationSignature signed, RegistryClient registry, String node)
      throws Exception {
    if (signed.getChainId() != registry.chainId()
        || !signed.getRegistry().equalsIgnoreCase(chain.registry)) {
      throw new IllegalStateException(
          "node "
              + name
              + " signed its registration for registry "
              + signed.getRegistry()
              + " on chain "
              + signed.getChainId()
              + ", not "
              + chain.registry
              + " on chain "
              + registry.chainId());
    }
    if (!signed.getProvider().equalsIgnoreCase(registry.address())) {
      throw new IllegalStateException(
          "node "
              + name
              + " agreed to serve "
              + signed.getProvider()
              + ", not "
              + registry.address().toLowerCase(java.util.Locale.ROOT)
              + " (the key in "
              + key
              + ")");
    }
    long due = registry.registrationNonce(node);
    if (signed.getNonce() != due) {
      throw new IllegalStateException(
          "node "
              + name
              + " signed registration "
              + signed.getNonce()
              + ", the registry expects "
              + due
              + ": set nodeAgent.chain.registrationNonce="
              + due
              + " in its member chart");
    }
  }
}
