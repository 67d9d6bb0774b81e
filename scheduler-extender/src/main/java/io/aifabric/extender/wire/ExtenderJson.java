package io.aifabric.extender.wire;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads kube-scheduler's requests and writes the extender's answers. The two answers that carry a
 * line per node — filter's, prioritize's scores — are appended as bytes from names and reasons
 * encoded once ({@link JsonString}): at 5,000 nodes Jackson's serializers, even its streaming
 * generator, cost more than the filter itself. Everything else goes through the ObjectMapper.
 * WireContractTest checks both against kube-scheduler's field names.
 */
public final class ExtenderJson {
  private static final byte[] NODES = ascii("\"Nodes\":");
  private static final byte[] NODE_NAMES = ascii("\"NodeNames\":[");
  private static final byte[] FAILED = ascii("\"FailedNodes\":{");
  private static final byte[] UNRESOLVABLE = ascii("\"FailedAndUnresolvableNodes\":{");
  private static final byte[] ERROR = ascii("\"Error\":");
  private static final byte[] HOST = ascii("{\"Host\":");
  private static final byte[] SCORE = ascii(",\"Score\":");

  private final ObjectMapper mapper =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ObjectMapper mapper() {
    return mapper;
  }

  public <T> T read(byte[] body, Class<T> type) throws IOException {
    return mapper.readValue(body, type);
  }

  public byte[] write(Object answer) throws IOException {
    if (answer instanceof ExtenderFilterResult f) {
      return filterResult(f);
    }
    if (answer instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof HostPriority) {
      @SuppressWarnings("unchecked")
      List<HostPriority> priorities = (List<HostPriority>) list;
      return priorities(priorities);
    }
    return mapper.writeValueAsBytes(answer);
  }

  private byte[] filterResult(ExtenderFilterResult result) throws IOException {
    int lines =
        size(result.nodeNames())
            + size(result.failedNodes())
            + size(result.failedAndUnresolvableNodes());
    JsonBytes out = new JsonBytes(64 + 80 * lines).raw('{');
    Fields fields = new Fields(out);
    if (result.nodes() != null) {
      // Only without a node cache: whole Nodes, as the mapper writes them.
      fields.next().raw(NODES).raw(mapper.writeValueAsBytes(result.nodes()));
    }
    if (result.nodeNames() != null) {
      fields.next().raw(NODE_NAMES);
      for (int i = 0; i < result.nodeNames().size(); i++) {
        if (i > 0) {
          out.raw(',');
        }
        out.string(result.nodeNames().get(i));
      }
      out.raw(']');
    }
    reasons(fields, FAILED, result.failedNodes());
    reasons(fields, UNRESOLVABLE, result.failedAndUnresolvableNodes());
    if (result.error() != null) {
      fields.next().raw(ERROR).string(result.error());
    }
    return out.raw('}').toByteArray();
  }

  private static byte[] priorities(List<HostPriority> priorities) {
    JsonBytes out = new JsonBytes(16 + 40 * priorities.size()).raw('[');
    for (int i = 0; i < priorities.size(); i++) {
      HostPriority p = priorities.get(i);
      if (i > 0) {
        out.raw(',');
      }
      out.raw(HOST).string(p.host()).raw(SCORE).number(p.score()).raw('}');
    }
    return out.raw(']').toByteArray();
  }

  /** A JSON object from node name to reason; nothing when there is no list. */
  private static void reasons(Fields fields, byte[] field, List<FailedNode> failed) {
    if (failed == null) {
      return;
    }
    JsonBytes out = fields.next().raw(field);
    for (int i = 0; i < failed.size(); i++) {
      if (i > 0) {
        out.raw(',');
      }
      out.string(failed.get(i).node()).raw(':').string(failed.get(i).reason());
    }
    out.raw('}');
  }

  /** Puts the comma between an object's fields. */
  private static final class Fields {
    private final JsonBytes out;
    private boolean first = true;

    Fields(JsonBytes out) {
      this.out = out;
    }

    JsonBytes next() {
      if (!first) {
        out.raw(',');
      }
      first = false;
      return out;
    }
  }

  private static byte[] ascii(String json) {
    return json.getBytes(StandardCharsets.US_ASCII);
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }
}
