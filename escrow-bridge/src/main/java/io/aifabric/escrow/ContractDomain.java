package io.aifabric.escrow;

import io.aifabric.protocol.chain.Eip712;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * The EIP-712 domain of one aifabric contract deployment: the contract's name (each contract signs
 * under its own, so an attestation for one never counts at another), version "1", the chain id and
 * the contract's address. Oracles compute it themselves from what they know (the chain they watch,
 * the contracts they were registered with) rather than asking the contract, so a relayer pointing
 * them at another deployment or chain gets signatures that are worthless there.
 */
public record ContractDomain(String name, long chainId, String verifyingContract) {
  public static final String JOB_ESCROW = "aifabric JobEscrow";
  public static final String NODE_REGISTRY = "aifabric NodeRegistry";
  public static final String AVAILABILITY_REWARDS = "aifabric AvailabilityRewards";
  public static final String VERSION = "1";
  private static final byte[] TYPEHASH =
      keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

  /** A JobEscrow deployment's domain. */
  public static ContractDomain jobEscrow(long chainId, String address) {
    return new ContractDomain(JOB_ESCROW, chainId, address);
  }

  /** A NodeRegistry deployment's domain. */
  public static ContractDomain nodeRegistry(long chainId, String address) {
    return new ContractDomain(NODE_REGISTRY, chainId, address);
  }

  /** An AvailabilityRewards deployment's domain. */
  public static ContractDomain availabilityRewards(long chainId, String address) {
    return new ContractDomain(AVAILABILITY_REWARDS, chainId, address);
  }

  public ContractDomain {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a domain needs the contract's name");
    }
    if (chainId <= 0) {
      throw new IllegalArgumentException("chain id must be positive: " + chainId);
    }
    if (verifyingContract == null
        || !verifyingContract.matches("0x[0-9a-fA-F]{40}")
        || new BigInteger(verifyingContract.substring(2), 16).signum() == 0) {
      throw new IllegalArgumentException("not a contract address: " + verifyingContract);
    }
  }

  /** The domain separator, as OpenZeppelin's EIP712 computes it on chain. */
  public byte[] separator() {
    return Eip712.separator(name, VERSION, chainId, verifyingContract);
  }

  /** The digest to sign for a struct hash under this domain: keccak(0x1901 ‖ domain ‖ struct). */
  public byte[] digest(byte[] structHash) {
    return Eip712.digest(separator(), structHash);
  }

  private static byte[] keccak(String text) {
    return Hash.sha3(text.getBytes(StandardCharsets.UTF_8));
  }
}
