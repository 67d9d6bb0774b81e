package io.aifabric.protocol.seal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The text fields of a binding's encoding: a u16 big-endian length, then UTF-8. */
final class BindingText {
  static final int MAX_BYTES = 253;

  private BindingText() {}

  static void write(DataOutputStream out, String value) throws IOException {
    byte[] bytes = utf8(value);
    out.writeShort(bytes.length);
    out.write(bytes);
  }

  static String read(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
  }

  /** Refuses a missing, empty or too long field, naming it. */
  static void require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("a binding needs a " + field);
    }
    if (utf8(value).length > MAX_BYTES) {
      throw new IllegalArgumentException("a " + field + " is at most " + MAX_BYTES + " bytes");
    }
  }

  static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
