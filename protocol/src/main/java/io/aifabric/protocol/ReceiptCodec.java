package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The JSON wire form of a signed work receipt (the signature covers its canonical bytes):
 *
 * <pre>
 * {"job":"<uid>","replica":0,"node":"0x…","gpuSeconds":7200,"exitCode":0,"output":"0x…(32 bytes)","ts":1763769600000,"sig":"0x…"}
 * </pre>
 */
public final class ReceiptCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 4096;

  private ReceiptCodec() {}

  public static byte[] encode(WorkReceipt.Signed signed) {
    WorkReceipt r = signed.receipt();
    ObjectNode node = JSON.createObjectNode();
    node.put("job", r.jobUid());
    node.put("replica", r.replica());
    node.put("node", r.node().toString());
    node.put("gpuSeconds", r.gpuSeconds());
    node.put("exitCode", r.exitCode());
    node.put("output", Hex.encode(r.outputDigest()));
    node.put("ts", r.finishedAtMillis());
    node.put("sig", signed.signature().toString());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static WorkReceipt.Signed decode(byte[] payload) throws MalformedMessageException {
    if (payload == null || payload.length == 0 || payload.length > MAX_BYTES) {
      throw new MalformedMessageException("empty or larger than " + MAX_BYTES + " bytes");
    }
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (IOException e) {
      throw new MalformedMessageException("not JSON");
    }
    if (node == null || !node.isObject() || !node.path("job").isTextual()) {
      throw new MalformedMessageException("not a work receipt");
    }
    try {
      return new WorkReceipt.Signed(
          new WorkReceipt(
              node.path("job").asText(),
              node.path("replica").asInt(-1),
              EthAddress.parse(node.path("node").asText(null)),
              node.path("gpuSeconds").asLong(-1),
              node.path("exitCode").asInt(),
              Hex.decode(node.path("output").asText(null), 32),
              node.path("ts").asLong()),
          Signature.parse(node.path("sig").asText(null)));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }
}
