package io.aifabric.protocol;

import java.util.Arrays;
import java.util.Locale;

/** A 20-byte Ethereum address: the last 20 bytes of keccak256 of an uncompressed public key. */
public final class EthAddress {
  private final byte[] bytes;

  private EthAddress(byte[] bytes) {
    this.bytes = bytes;
  }

  public static EthAddress of(byte[] bytes) {
    if (bytes.length != 20) {
      throw new IllegalArgumentException("an address has 20 bytes, not " + bytes.length);
    }
    return new EthAddress(bytes.clone());
  }

  /** Parses 0x and 40 hex digits in any case (the EIP-55 checksum is for people, not checked). */
  public static EthAddress parse(String text) {
    return new EthAddress(Hex.decode(text == null ? null : text.toLowerCase(Locale.ROOT), 20));
  }

  static EthAddress ofPublicKey(byte[] uncompressedXy) {
    byte[] hash = Keccak256.hash(uncompressedXy);
    return new EthAddress(Arrays.copyOfRange(hash, 12, 32));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** EIP-55 mixed-case checksum form, e.g. 0x70997970C51812dc3A010C7d01b50e0d17dc79C8. */
  public String checksummed() {
    String lower = Hex.encode(bytes).substring(2);
    byte[] hash = Keccak256.hash(lower.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder("0x");
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
      out.append(nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  /** Lowercase hex: the form used in topics and Kubernetes labels. */
  @Override
  public String toString() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EthAddress other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
