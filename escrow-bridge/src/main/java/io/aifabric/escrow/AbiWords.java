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

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
