package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The wire form of a signed heartbeat: a small JSON object, readable with mosquitto_sub. The
 * signature covers the canonical encoding of the fields ({@link Heartbeat}), not this text.
 *
 * <pre>
 * {"node":"0x…","seq":42,"ts":1763769600000,"telemetry":"GPU-…,87,61,40960","agent":"0.1.0","sig":"0x…(65 bytes)"}
 * </pre>
 */
public final class HeartbeatCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 16 * 1024;

  private HeartbeatCodec() {}

  public static byte[] encode(Heartbeat.Signed signed) {
    Heartbeat hb = signed.heartbeat();
    ObjectNode node = JSON.createObjectNode();
    node.put("node", hb.node().toString());
    node.put("seq", hb.sequence());
    node.put("ts", hb.timestampMillis());
    node.put("telemetry", hb.telemetry());
    node.put("agent", hb.agentVersion());
    node.put("sig", signed.signature().toString());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Heartbeat.Signed decode(byte[] payload) throws MalformedMessageException {
    if (payload == null || payload.length == 0 || payload.length > MAX_BYTES) {
      throw new MalformedMessageException("empty or larger than " + MAX_BYTES + " bytes");
    }
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (IOException e) {
      throw new MalformedMessageException("not JSON");
    }
    if (node == null || !node.isObject()) {
      throw new MalformedMessageException("not a JSON object");
    }
    try {
      Heartbeat hb =
          new Heartbeat(
              EthAddress.parse(text(node, "node")),
              number(node, "seq"),
              number(node, "ts"),
              text(node, "telemetry"),
              text(node, "agent"));
      if (hb.sequence() < 1) {
        throw new MalformedMessageException("seq starts at 1");
      }
      return new Heartbeat.Signed(hb, Signature.parse(text(node, "sig")));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) throws MalformedMessageException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedMessageException("'" + field + "' is missing or not a string");
    }
    return value.asText();
  }

  private static long number(JsonNode node, String field) throws MalformedMessageException {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
      throw new MalformedMessageException("'" + field + "' is missing or not an integer");
    }
    return value.asLong();
  }
}
