package io.aifabric.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** AvailabilityRewards as a provider's wallet talks to it: an epoch's posted root, and claims. */
final class RewardsClient implements AutoCloseable {
  /** AvailabilityRewards' custom errors, so a refusal says which. */
  static final List<String> ERRORS =
      List.of(
          "EpochNotPosted(uint64)",
          "ClaimWindowClosed(uint64)",
          "AlreadyClaimed(uint64,address)",
          "InvalidProof()",
          "NodeNotRegistered(address)",
          "RewardExhausted(uint64,uint256,uint256)",
          "TransferFailed()");

  /** An epoch as the contract holds it. */
  record Epoch(byte[] root, BigInteger reward, BigInteger remaining, long totalScore) {
    boolean posted() {
      return new BigInteger(1, root).signum() != 0;
    }
  }

  private final ContractClient rewards;

  RewardsClient(String rpcUrl, String rewards, Credentials key) throws IOException {
    this.rewards = new ContractClient(rpcUrl, rewards, "the rewards contract", key, ERRORS);
  }

  @SuppressWarnings("rawtypes")
  Epoch epoch(long epoch) throws IOException {
    List<Type> e =
        rewards.call(
            new Function(
                "epochOf",
                List.of(new Uint64(epoch)),
                List.of(
                    new TypeReference<Bytes32>() {},
                    new TypeReference<Uint128>() {},
                    new TypeReference<Uint128>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Uint64>() {})));
    return new Epoch(
        (byte[]) e.get(0).getValue(),
        (BigInteger) e.get(1).getValue(),
        (BigInteger) e.get(2).getValue(),
        ((BigInteger) e.get(3).getValue()).longValueExact());
  }

  TransactionReceipt claim(long epoch, String node, long score, List<byte[]> proof)
      throws IOException {
    return rewards.send(
        new Function(
            "claim",
            List.of(
                new Uint64(epoch),
                new Address(node),
                new Uint64(score),
                new DynamicArray<>(Bytes32.class, proof.stream().map(Bytes32::new).toList())),
            List.of()),
        BigInteger.ZERO);
  }

  @Override
  public void close() {
    rewards.close();
  }
}
