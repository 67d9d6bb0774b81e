package io.aifabric.extender.wire;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON text built by appending bytes, for the two answers that carry a line per node: their
 * strings are {@link JsonString}s already encoded, so an answer for 5,000 nodes is mostly array
 * copies (a JsonGenerator escapes every string char by char, which cost more than the filter).
 */
final class JsonBytes {
  private byte[] bytes;
  private int length;

  JsonBytes(int sizeHint) {
    bytes = new byte[Math.max(16, sizeHint)];
  }

  /** Appends bytes that are JSON already: punctuation, a field name with its colon. */
  JsonBytes raw(byte[] json) {
    ensure(json.length);
    System.arraycopy(json, 0, bytes, length, json.length);
    length += json.length;
    return this;
  }

  JsonBytes raw(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  JsonBytes string(JsonString s) {
    return raw(s.json());
  }

  /** Appends a string made for this answer only (an error message), quoted and escaped. */
  JsonBytes string(String s) {
    return raw('"').raw(JsonStringEncoder.getInstance().quoteAsUTF8(s)).raw('"');
  }

  JsonBytes number(long value) {
    if (value >= 0 && value < 10) {
      return raw((char) ('0' + value));
    }
    return raw(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, length);
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
