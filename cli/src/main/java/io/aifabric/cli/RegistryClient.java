package io.aifabric.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** A provider's side of NodeRegistry: stake, and register the nodes that signed to serve it. */
final class RegistryClient implements AutoCloseable {
  /** NodeRegistry's custom errors, so a refusal says which. */
  static final List<String> ERRORS =
      List.of(
          "ZeroAmount()",
          "StakeTooLarge()",
          "NotEnoughStake(uint256,uint256)",
          "ProviderSuspended(address)",
          "NodeAlreadyRegistered(address,address)",
          "NodeNotRegistered(address)",
          "InvalidNodeSignature(address)",
          "NotNodeOrProvider(address)",
          "UnstakeTooLarge(uint256,uint256)",
          "NothingUnbonding()",
          "CooldownNotOver(uint64)");

  private final ContractClient registry;

  RegistryClient(String rpcUrl, String registry, Credentials key) throws IOException {
    this.registry = new ContractClient(rpcUrl, registry, "the registry", key, ERRORS);
  }

  String address() {
    return registry.address();
  }

  long chainId() {
    return registry.chainId();
  }

  TransactionReceipt stake(BigInteger wei) throws IOException {
    return registry.send(new Function("stake", List.of(), List.of()), wei);
  }

  TransactionReceipt registerNode(String node, byte[] signature) throws IOException {
    return registry.send(
        new Function(
            "registerNode", List.of(new Address(node), new DynamicBytes(signature)), List.of()),
        BigInteger.ZERO);
  }

  /** The registry's count of the node's registrations: the nonce its next one must sign. */
  long registrationNonce(String node) throws IOException {
    return ((Uint64)
            registry
                .call(
                    new Function(
                        "registrationNonce",
                        List.of(new Address(node)),
                        List.of(new TypeReference<Uint64>() {})))
                .get(0))
        .getValue()
        .longValueExact();
  }

  /** The provider's tier, 0 to 3, as the registry computes it now. */
  int tierOf(String provider) throws IOException {
    return ((Uint8)
            registry
                .call(
                    new Function(
                        "tierOf",
                        List.of(new Address(provider)),
                        List.of(new TypeReference<Uint8>() {})))
                .get(0))
        .getValue()
        .intValueExact();
  }

  @Override
  public void close() {
    registry.close();
  }
}
