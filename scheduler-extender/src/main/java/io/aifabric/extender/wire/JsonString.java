package io.aifabric.extender.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A string with its JSON form (quoted, escaped, UTF-8) made once. Node names and filter reasons go
 * into answers thousands of times a second at 5,000 nodes; the node cache makes each node's once
 * when the node arrives, so writing an answer is copying bytes (see {@link ExtenderJson}).
 */
public final class JsonString {
  private final String text;
  private final byte[] json;

  private JsonString(String text) {
    this.text = text;
    byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    this.json = new byte[quoted.length + 2];
    json[0] = '"';
    System.arraycopy(quoted, 0, json, 1, quoted.length);
    json[json.length - 1] = '"';
  }

  @JsonCreator
  public static JsonString of(String text) {
    if (text == null) {
      throw new IllegalArgumentException("a JSON string cannot be null");
    }
    return new JsonString(text);
  }

  @JsonValue
  public String text() {
    return text;
  }

  /** The quoted, escaped UTF-8 bytes; not to be modified. */
  byte[] json() {
    return json;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonString other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return new String(json, StandardCharsets.UTF_8);
  }
}
