package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The JSON wire form of a signed hardware report (the signature covers its canonical bytes). */
public final class HardwareReportCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 64 * 1024;

  private HardwareReportCodec() {}

  public static byte[] encode(HardwareReport.Signed signed) {
    HardwareReport r = signed.report();
    ObjectNode node = JSON.createObjectNode();
    node.put("node", r.node().toString());
    node.put("ts", r.measuredAtMillis());
    node.put("method", r.method());
    ArrayNode gpus = node.putArray("gpus");
    for (HardwareReport.Gpu g : r.gpus()) {
      gpus.addObject()
          .put("uuid", g.uuid())
          .put("product", g.product())
          .put("claimedMiB", g.claimedMiB())
          .put("measuredMiB", g.measuredMiB())
          .put("benchmark", g.benchmark());
    }
    node.put("sig", signed.signature().toString());
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static HardwareReport.Signed decode(byte[] payload) throws MalformedMessageException {
    if (payload == null || payload.length == 0 || payload.length > MAX_BYTES) {
      throw new MalformedMessageException("empty or larger than " + MAX_BYTES + " bytes");
    }
    JsonNode node;
    try {
      node = JSON.readTree(payload);
    } catch (IOException e) {
      throw new MalformedMessageException("not JSON");
    }
    if (node == null || !node.isObject() || !node.path("gpus").isArray()) {
      throw new MalformedMessageException("not a hardware report");
    }
    try {
      List<HardwareReport.Gpu> gpus = new ArrayList<>();
      for (JsonNode g : node.get("gpus")) {
        gpus.add(
            new HardwareReport.Gpu(
                g.path("uuid").asText(),
                g.path("product").asText(),
                g.path("claimedMiB").asInt(),
                g.path("measuredMiB").asInt(),
                g.path("benchmark").asLong()));
      }
      return new HardwareReport.Signed(
          new HardwareReport(
              EthAddress.parse(node.path("node").asText(null)),
              node.path("ts").asLong(),
              node.path("method").asText(""),
              gpus),
          Signature.parse(node.path("sig").asText(null)));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }
}
