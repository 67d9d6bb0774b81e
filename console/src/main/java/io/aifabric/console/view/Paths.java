package io.aifabric.console.view;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The console's page addresses, each name URL-encoded (names come from providers and users). */
public final class Paths {
  private Paths() {}

  public static String member(String name) {
    return "/members/" + encode(name);
  }

  public static String node(String name) {
    return "/nodes/" + encode(name);
  }

  public static String job(String namespace, String name) {
    return "/jobs/" + encode(namespace) + "/" + encode(name);
  }

  public static String batch(String namespace, String name) {
    return "/batches/" + encode(namespace) + "/" + encode(name);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment == null ? "" : segment, StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
