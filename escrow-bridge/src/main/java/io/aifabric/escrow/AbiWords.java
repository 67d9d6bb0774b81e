package io.aifabric.escrow;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import org.web3j.utils.Numeric;

/** ABI encoding of static words, as {@code abi.encode} lays them out for EIP-712 hashing. */
final class AbiWords {
  private AbiWords() {}

  /** An unsigned integer as a 32-byte big-endian word. */
  static byte[] uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    return Numeric.toBytesPadded(value, 32);
  }

  static byte[] uint(long value) {
    return uint(BigInteger.valueOf(value));
  }

  /** An address as a 32-byte word, left-padded. */
  static byte[] address(String address) {
    byte[] bytes = Numeric.hexStringToByteArray(address);
    if (bytes.length != 20) {
      throw new IllegalArgumentException("not an address: " + address);
    }
    byte[] word = new byte[32];
    System.arraycopy(bytes, 0, word, 12, 20);
    return word;
  }

  /** A bytes32 value as it is. */
  static byte[] bytes32(byte[] value) {
    if (value.length != 32) {
      throw new IllegalArgumentException("not 32 bytes: " + value.length);
    }
    return value.clone();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
