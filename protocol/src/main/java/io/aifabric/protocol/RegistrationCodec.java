package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.protocol.broker.BrokerKeys;
import java.nio.charset.StandardCharsets;

/**
 * The text form of a signed registration: the value of the {@code aifabric.io/registration}
 * annotation the agent puts on its Node, where the operator reads it with the member's credentials
 * (so the member cluster vouches for which node published which key).
 *
 * <pre>
 * {"cluster":"member-a","node":"gpu-h100-00","key":"0x…(64 bytes)","x25519":"0x…(32 bytes)","broker":"0x…(91 bytes)","ts":1763769600000,"sig":"0x…(65 bytes)"}
 * </pre>
 */
public final class RegistrationCodec {
  public static final String ANNOTATION = "aifabric.io/registration";

  private RegistrationCodec() {}

  public static String encode(NodeRegistration.Signed signed) {
    NodeRegistration r = signed.registration();
    ObjectNode node = WireJson.object();
    node.put("cluster", r.cluster());
    node.put("node", r.nodeName());
    node.put("key", Hex.encode(r.key().toBytes()));
    node.put("x25519", Hex.encode(r.x25519PublicKey()));
    node.put("broker", Hex.encode(r.brokerKey()));
    node.put("ts", r.timestampMillis());
    node.put("sig", signed.signature().toString());
    return node.toString();
  }

  public static NodeRegistration.Signed decode(String text) throws MalformedMessageException {
    if (text == null || text.isEmpty() || text.length() > 4096) {
      throw new MalformedMessageException("not a JSON object");
    }
    JsonNode node =
        WireJson.readObject(
            text.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE, "not a JSON object");
    try {
      return new NodeRegistration.Signed(
          new NodeRegistration(
              WireJson.text(node, "cluster"),
              WireJson.text(node, "node"),
              NodePublicKey.fromBytes(Hex.decode(WireJson.text(node, "key"), 64)),
              Hex.decode(WireJson.text(node, "x25519"), 32),
              Hex.decode(WireJson.text(node, "broker"), BrokerKeys.ENCODED_LENGTH),
              node.path("ts").asLong()),
          Signature.parse(WireJson.text(node, "sig")));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }
}
