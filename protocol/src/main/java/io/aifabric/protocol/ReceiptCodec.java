package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON wire form of a signed work receipt (the signature covers its canonical bytes):
 *
 * <pre>
 * {"job":"<uid>","replica":0,"node":"0x…","gpuSeconds":7200,"exitCode":0,"output":"0x…(32 bytes)","ts":1763769600000,"sealedBytes":1048643,"sig":"0x…"}
 * </pre>
 *
 * {@code sealedBytes} is there only when the output is sealed ({@link WorkReceipt#sealed()}).
 */
public final class ReceiptCodec {
  private static final int MAX_BYTES = 4096;

  private ReceiptCodec() {}

  public static byte[] encode(WorkReceipt.Signed signed) {
    WorkReceipt r = signed.receipt();
    ObjectNode node = WireJson.object();
    node.put("job", r.jobUid());
    node.put("replica", r.replica());
    node.put("node", r.node().toString());
    node.put("gpuSeconds", r.gpuSeconds());
    node.put("exitCode", r.exitCode());
    node.put("output", Hex.encode(r.outputDigest()));
    node.put("ts", r.finishedAtMillis());
    if (r.sealed()) {
      node.put("sealedBytes", r.sealedBytes());
    }
    node.put("sig", signed.signature().toString());
    return WireJson.bytes(node);
  }

  public static WorkReceipt.Signed decode(byte[] payload) throws MalformedMessageException {
    JsonNode node = WireJson.readObject(payload, MAX_BYTES, "not a work receipt");
    if (!node.path("job").isTextual()) {
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
              node.path("ts").asLong(),
              sealedBytes(node)),
          Signature.parse(node.path("sig").asText(null)));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }

  private static long sealedBytes(JsonNode node) throws MalformedMessageException {
    JsonNode value = node.get("sealedBytes");
    if (value == null) {
      return WorkReceipt.NOT_SEALED;
    }
    if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 0) {
      throw new MalformedMessageException("'sealedBytes' is not a size in bytes");
    }
    return value.asLong();
  }
}
