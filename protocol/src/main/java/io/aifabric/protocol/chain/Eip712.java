package io.aifabric.protocol.chain;

import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Keccak256;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * EIP-712 hashing as OpenZeppelin's {@code EIP712} does it on chain: the domain separator of a
 * contract deployment (name, version, chain id, address) and the digest to sign for a struct hash
 * under it, with the ABI words the struct hashes are built from. Plain Java, so that a node agent
 * signs what the contracts check without a chain library.
 */
public final class Eip712 {
  private static final byte[] DOMAIN_TYPEHASH =
      keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

  private Eip712() {}

  /** The domain separator of a deployment. */
  public static byte[] separator(String name, String version, long chainId, String contract) {
    return Keccak256.hash(
        DOMAIN_TYPEHASH,
        keccak(name),
        keccak(version),
        uint(BigInteger.valueOf(chainId)),
        address(contract));
  }

  /** keccak256(0x1901 ‖ separator ‖ structHash): what is signed. */
  public static byte[] digest(byte[] separator, byte[] structHash) {
    return Keccak256.hash(new byte[] {0x19, 0x01}, separator, structHash);
  }

  public static byte[] keccak(String text) {
    return Keccak256.hash(text.getBytes(StandardCharsets.UTF_8));
  }

  /** An unsigned integer as a 32-byte big-endian word. */
  public static byte[] uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    byte[] raw = value.toByteArray();
    byte[] word = new byte[32];
    int length = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - length, word, 32 - length, length);
    return word;
  }

  /** An address as a 32-byte word, left-padded. */
  public static byte[] address(String address) {
    if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("not an address: " + address);
    }
    byte[] word = new byte[32];
    System.arraycopy(Hex.decode(address.toLowerCase(java.util.Locale.ROOT), 20), 0, word, 12, 20);
    return word;
  }
}
