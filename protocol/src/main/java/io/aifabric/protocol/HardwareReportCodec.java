package io.aifabric.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The JSON wire form of a signed hardware report (the signature covers its canonical bytes). */
public final class HardwareReportCodec {
  private static final int MAX_BYTES = 64 * 1024;

  private HardwareReportCodec() {}

  public static byte[] encode(HardwareReport.Signed signed) {
    HardwareReport r = signed.report();
    ObjectNode node = WireJson.object();
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
    return WireJson.bytes(node);
  }

  public static HardwareReport.Signed decode(byte[] payload) throws MalformedMessageException {
    JsonNode node = WireJson.readObject(payload, MAX_BYTES, "not a hardware report");
    if (!node.path("gpus").isArray()) {
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
