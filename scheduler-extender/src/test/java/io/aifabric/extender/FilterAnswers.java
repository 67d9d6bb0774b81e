package io.aifabric.extender;

import io.aifabric.extender.wire.FailedNode;
import io.aifabric.extender.wire.JsonString;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Filter answers as plain strings, for assertions. */
public final class FilterAnswers {
  private FilterAnswers() {}

  public static List<String> names(List<JsonString> names) {
    return names == null ? null : names.stream().map(JsonString::text).toList();
  }

  /** Node name to reason, in the answer's order. */
  public static Map<String, String> reasons(List<FailedNode> failed) {
    Map<String, String> reasons = new LinkedHashMap<>();
    failed.forEach(f -> reasons.put(f.node().text(), f.reason().text()));
    return reasons;
  }
}
