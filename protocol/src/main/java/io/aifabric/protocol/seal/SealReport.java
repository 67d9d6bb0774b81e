package io.aifabric.protocol.seal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.protocol.Hex;
import java.io.IOException;
import java.util.Optional;

/**
 * What the sealing sidecar says when it has uploaded a replica's sealed output: its content address
 * and sizes. It is the sidecar container's termination message, which the node agent reads from the
 * pod's status and puts into the replica's signed work receipt.
 *
 * <pre>
 * {"v":1,"address":"0x…(32 bytes)","sealedBytes":1048643,"plainBytes":1048576,"files":3}
 * </pre>
 *
 * A pod's termination message is written by a container the node does not control, so parsing is
 * strict and bounded: anything else is no report (and the receipt says the output is missing).
 */
public record SealReport(byte[] address, long sealedBytes, long plainBytes, int files) {
  /** Kubernetes keeps at most 4096 bytes of a termination message; a report is far smaller. */
  public static final int MAX_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();

  public SealReport {
    if (address.length != 32) {
      throw new IllegalArgumentException("a content address has 32 bytes");
    }
    if (sealedBytes <= 0 || plainBytes < 0 || files < 0) {
      throw new IllegalArgumentException("sizes and counts are never negative");
    }
    address = address.clone();
  }

  public static SealReport of(SealedSummary summary, int files) {
    return new SealReport(
        summary.contentAddress(), summary.sealedBytes(), summary.plainBytes(), files);
  }

  @Override
  public byte[] address() {
    return address.clone();
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("v", 1);
    node.put("address", Hex.encode(address));
    node.put("sealedBytes", sealedBytes);
    node.put("plainBytes", plainBytes);
    node.put("files", files);
    return node.toString();
  }

  /** The report in a termination message, or empty when the message is not one. */
  public static Optional<SealReport> parse(String message) {
    if (message == null || message.isBlank() || message.length() > MAX_BYTES) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(message.strip());
      if (node == null
          || !node.isObject()
          || node.path("v").asInt() != 1
          || !node.path("address").isTextual()
          || !node.path("sealedBytes").canConvertToExactIntegral()
          || !node.path("plainBytes").canConvertToExactIntegral()
          || !node.path("files").canConvertToExactIntegral()) {
        return Optional.empty();
      }
      return Optional.of(
          new SealReport(
              Hex.decode(node.path("address").asText(), 32),
              node.path("sealedBytes").asLong(),
              node.path("plainBytes").asLong(),
              node.path("files").asInt()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
