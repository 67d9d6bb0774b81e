package io.aifabric.extender.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads kube-scheduler's requests and writes the extender's answers. The two answers that carry a
 * line per node — filter's with node names, prioritize's scores — are written field by field with a
 * streaming generator into a buffer sized for them: at 5,000 nodes Jackson's reflective record
 * serializer and its growing buffers cost as much as the filter itself. Everything else goes
 * through the ObjectMapper, whose output for these types is the same JSON (WireContractTest).
 */
public final class ExtenderJson {
  private final ObjectMapper mapper =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ObjectMapper mapper() {
    return mapper;
  }

  public <T> T read(byte[] body, Class<T> type) throws IOException {
    return mapper.readValue(body, type);
  }

  public byte[] write(Object answer) throws IOException {
    if (answer instanceof ExtenderFilterResult f && f.nodes() == null) {
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
    return generate(
        64 + 48 * lines,
        g -> {
          g.writeStartObject();
          if (result.nodeNames() != null) {
            g.writeArrayFieldStart("NodeNames");
            for (String name : result.nodeNames()) {
              g.writeString(name);
            }
            g.writeEndArray();
          }
          writeReasons(g, "FailedNodes", result.failedNodes());
          writeReasons(g, "FailedAndUnresolvableNodes", result.failedAndUnresolvableNodes());
          if (result.error() != null) {
            g.writeStringField("Error", result.error());
          }
          g.writeEndObject();
        });
  }

  private byte[] priorities(List<HostPriority> priorities) throws IOException {
    return generate(
        16 + 40 * priorities.size(),
        g -> {
          g.writeStartArray();
          for (HostPriority p : priorities) {
            g.writeStartObject();
            g.writeStringField("Host", p.host());
            g.writeNumberField("Score", p.score());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  private static void writeReasons(JsonGenerator g, String field, Map<String, String> reasons)
      throws IOException {
    if (reasons == null) {
      return;
    }
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : reasons.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  private byte[] generate(int sizeHint, Body body) throws IOException {
    ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      body.write(g);
    }
    return out.toByteArray();
  }

  private static int size(java.util.Collection<?> c) {
    return c == null ? 0 : c.size();
  }

  private static int size(Map<?, ?> m) {
    return m == null ? 0 : m.size();
  }
}
