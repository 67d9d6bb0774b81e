package io.aifabric.protocol.seal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.protocol.Hex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sealed inputs a job's pods open, as the operator writes them into the pod annotation {@value
 * #ANNOTATION}: per input its volume, where it is, its content address and mount path, and the
 * user's key grants for the placed nodes. The node agent reads its own grants from it; the pod's
 * input step reads where to fetch and open each input. Nothing in it is secret: a grant opens only
 * for the node it is sealed to.
 *
 * <p>The agent writes the opened keys into the Secret {@code <member Job>-input-keys}, one entry
 * per input ({@link #keyName}), which the input step mounts.
 *
 * <pre>
 * {"v":1,"network":"…","jobUid":"…","inputs":[{"volume":"…","volumeUid":"…","input":"…",
 *   "url":"…","contentAddress":"0x…","sealedBytes":123,"mountPath":"/data",
 *   "grants":{"member-a.gpu-1":"base64…"}}]}
 * </pre>
 */
public record SealedInputManifest(String network, String jobUid, List<Entry> inputs) {
  public static final String ANNOTATION = "aifabric.io/sealed-inputs";

  /** Kubernetes allows 256 KiB of annotations on an object in all. */
  public static final int MAX_BYTES = 128 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  public SealedInputManifest {
    inputs = List.copyOf(inputs);
  }

  /** One input: which, where, and its grants by ComputeNode name. */
  public record Entry(
      String volume,
      String volumeUid,
      String input,
      String url,
      byte[] contentAddress,
      long sealedBytes,
      String mountPath,
      Map<String, byte[]> grants) {
    public Entry {
      if (contentAddress.length != 32) {
        throw new IllegalArgumentException("a content address has 32 bytes");
      }
      grants = Map.copyOf(grants);
    }

    public InputBinding binding(String network) {
      return new InputBinding(network, volumeUid, input);
    }

    public KeyGrant.Binding grantBinding(String network, String jobUid, String node) {
      return new KeyGrant.Binding(network, jobUid, node, contentAddress);
    }
  }

  /** The name of input {@code index}'s key in the {@code -input-keys} Secret. */
  public static String keyName(int index) {
    return "input-" + index;
  }

  /** The Secret the agent writes the opened keys into, for the member Job of this name. */
  public static String keySecretName(String memberJob) {
    return memberJob + "-input-keys";
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    root.put("network", network);
    root.put("jobUid", jobUid);
    ArrayNode list = root.putArray("inputs");
    for (Entry e : inputs) {
      ObjectNode node = list.addObject();
      node.put("volume", e.volume());
      node.put("volumeUid", e.volumeUid());
      node.put("input", e.input());
      node.put("url", e.url());
      node.put("contentAddress", Hex.encode(e.contentAddress()));
      node.put("sealedBytes", e.sealedBytes());
      node.put("mountPath", e.mountPath());
      ObjectNode grants = node.putObject("grants");
      e.grants().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(g -> grants.put(g.getKey(), Base64.getEncoder().encodeToString(g.getValue())));
    }
    return root.toString();
  }

  /**
   * The manifest an annotation carries.
   *
   * @throws SealedOutputException when it is not a version-1 manifest, saying what is wrong
   */
  public static SealedInputManifest parse(String json) throws SealedOutputException {
    if (json == null || json.isBlank() || json.length() > MAX_BYTES) {
      throw new SealedOutputException("the sealed-inputs manifest is empty or too large");
    }
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject() || root.path("v").asInt() != 1) {
        throw new SealedOutputException("the sealed-inputs manifest is not version 1");
      }
      List<Entry> entries = new ArrayList<>();
      for (JsonNode node : root.path("inputs")) {
        Map<String, byte[]> grants = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.path("grants").fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> g = fields.next();
          grants.put(g.getKey(), Base64.getDecoder().decode(g.getValue().asText()));
        }
        entries.add(
            new Entry(
                text(node, "volume"),
                text(node, "volumeUid"),
                text(node, "input"),
                text(node, "url"),
                Hex.decode(text(node, "contentAddress"), 32),
                node.path("sealedBytes").asLong(-1),
                text(node, "mountPath"),
                grants));
      }
      return new SealedInputManifest(text(root, "network"), text(root, "jobUid"), entries);
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof SealedOutputException sealed) {
        throw sealed;
      }
      throw new SealedOutputException("the sealed-inputs manifest is malformed: " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) throws SealedOutputException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new SealedOutputException("the sealed-inputs manifest has no " + field);
    }
    return value.asText();
  }
}
