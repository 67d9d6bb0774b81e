package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wire form of a signed heartbeat: a small JSON object, readable with mosquitto_sub. The
 * signature covers the canonical encoding of the fields ({@link Heartbeat}), not this text.
 *
 * <pre>
 * {"node":"0x…","seq":42,"ts":1763769600000,"telemetry":"GPU-…,87,61,40960","agent":"0.1.0","sig":"0x…(65 bytes)"}
 * </pre>
 */
public final class HeartbeatCodec {
  private static final int MAX_BYTES = 16 * 1024;

  private HeartbeatCodec() {}

  public static byte[] encode(Heartbeat.Signed signed) {
    Heartbeat hb = signed.heartbeat();
    ObjectNode node = WireJson.object();
    node.put("node", hb.node().toString());
    node.put("seq", hb.sequence());
    node.put("ts", hb.timestampMillis());
    node.put("telemetry", hb.telemetry());
    node.put("agent", hb.agentVersion());
    node.put("sig", signed.signature().toString());
    return WireJson.bytes(node);
  }

  public static Heartbeat.Signed decode(byte[] payload) throws MalformedMessageException {
    JsonNode node = WireJson.readObject(payload, MAX_BYTES, "not a JSON object");
    try {
      Heartbeat hb =
          new Heartbeat(
              EthAddress.parse(WireJson.text(node, "node")),
              WireJson.number(node, "seq"),
              WireJson.number(node, "ts"),
              WireJson.text(node, "telemetry"),
              WireJson.text(node, "agent"));
      if (hb.sequence() < 1) {
        throw new MalformedMessageException("seq starts at 1");
      }
      return new Heartbeat.Signed(hb, Signature.parse(WireJson.text(node, "sig")));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }
}
