package io.aifabric.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the byte strings that get signed: a domain tag naming the message type and version, then
 * fixed-width big-endian integers, fixed-length byte fields and length-prefixed UTF-8 strings, in a
 * documented order. No field can be read as another, and the same message always encodes the same
 * way (unlike JSON, whose spacing and field order are free).
 */
final class CanonicalEncoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(160);

  CanonicalEncoder(String domain) {
    string(domain);
  }

  CanonicalEncoder bytes(byte[] fixed) {
    out.writeBytes(fixed);
    return this;
  }

  CanonicalEncoder u64(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift));
    }
    return this;
  }

  CanonicalEncoder u32(int value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write(value >>> shift);
    }
    return this;
  }

  CanonicalEncoder string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xffff) {
      throw new IllegalArgumentException("a string field is limited to 65535 bytes");
    }
    out.write(utf8.length >>> 8);
    out.write(utf8.length);
    out.writeBytes(utf8);
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }

  byte[] digest() {
    return Keccak256.hash(out.toByteArray());
  }
}
