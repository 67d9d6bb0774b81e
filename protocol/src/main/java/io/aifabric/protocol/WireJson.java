package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The JSON side of the wire forms: bounded parsing that refuses what is not one JSON object, and
 * typed field reads that say which field is wrong. What is signed is never this JSON but the
 * canonical encoding of the fields read from it.
 */
final class WireJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WireJson() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * One JSON object of at most {@code maxBytes}.
   *
   * @param notAnObject what to say when the payload is JSON but not an object
   */
  static JsonNode readObject(byte[] payload, int maxBytes, String notAnObject)
      throws MalformedMessageException {
    if (payload == null || payload.length == 0 || payload.length > maxBytes) {
      throw new MalformedMessageException("empty or larger than " + maxBytes + " bytes");
    }
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (IOException e) {
      throw new MalformedMessageException("not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new MalformedMessageException(notAnObject);
    }
    return node;
  }

  static String text(JsonNode node, String field) throws MalformedMessageException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedMessageException("'" + field + "' is missing or not a string");
    }
    return value.asText();
  }

  static long number(JsonNode node, String field) throws MalformedMessageException {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
      throw new MalformedMessageException("'" + field + "' is missing or not an integer");
    }
    return value.asLong();
  }
}
