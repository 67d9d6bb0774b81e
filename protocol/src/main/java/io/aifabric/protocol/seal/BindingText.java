package io.aifabric.protocol.seal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

  /** Writes the fields after a binding's label. */
  @FunctionalInterface
  interface Fields {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads the fields after a binding's label into the binding. */
  @FunctionalInterface
  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  /** A binding's encoding: its label, then its fields. */
  static byte[] encode(byte[] label, Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(label);
      fields.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The binding an info encodes, when it starts with {@code label} and holds nothing after its
   * fields.
   *
   * @param kind what the binding is of, for the messages ("output", "input")
   * @param notOurs what to say when the label is another's
   */
  static <T> T decode(byte[] info, byte[] label, String kind, String notOurs, Reader<T> fields)
      throws SealedOutputException {
    if (info.length < label.length || !Arrays.equals(Arrays.copyOf(info, label.length), label)) {
      throw new SealedOutputException(notOurs);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(info))) {
      in.skipNBytes(label.length);
      T binding = fields.read(in);
      if (in.available() != 0) {
        throw new SealedOutputException(
            "the sealed " + kind + "'s binding has bytes after its end");
      }
      return binding;
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof SealedOutputException sealed) {
        throw sealed;
      }
      throw new SealedOutputException("the sealed " + kind + "'s binding is malformed");
    }
  }
}
