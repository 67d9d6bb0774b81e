package io.aifabric.protocol.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.Signature;
import java.io.IOException;
import java.util.Locale;

/**
 * A node's signature of its NodeRegistry registration to a provider, as the node agent publishes it
 * on its Node (the annotation {@value #ANNOTATION}) for the provider to submit with {@code aifabric
 * register-node}: the registry and chain it is for, the registration and the node key's signature
 * of its EIP-712 digest.
 *
 * <pre>
 * {"v":1,"chainId":31337,"registry":"0x…","node":"0x…","provider":"0x…","nonce":0,
 *  "signature":"0x…(65 bytes)"}
 * </pre>
 */
public record SignedChainRegistration(
    long chainId, String registry, ChainRegistration registration, Signature signature) {
  public static final String ANNOTATION = "aifabric.io/chain-registration";
  private static final int MAX_BYTES = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether {@code key} (the node's registered key) signed this registration, for its address. */
  public boolean signedBy(NodePublicKey key) {
    return key.address().toString().equalsIgnoreCase(registration.node())
        && key.verifies(registration.digest(chainId, registry), signature);
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("v", 1);
    node.put("chainId", chainId);
    node.put("registry", registry.toLowerCase(Locale.ROOT));
    node.put("node", registration.node().toLowerCase(Locale.ROOT));
    node.put("provider", registration.provider().toLowerCase(Locale.ROOT));
    node.put("nonce", registration.nonce());
    node.put("signature", signature.toString());
    return node.toString();
  }

  /**
   * @throws MalformedMessageException when the text is not a version-1 signed registration
   */
  public static SignedChainRegistration parse(String text) throws MalformedMessageException {
    if (text == null || text.isBlank() || text.length() > MAX_BYTES) {
      throw new MalformedMessageException("empty or larger than " + MAX_BYTES + " bytes");
    }
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !node.isObject() || node.path("v").asInt() != 1) {
        throw new MalformedMessageException("not a version-1 chain registration");
      }
      return new SignedChainRegistration(
          node.path("chainId").asLong(),
          node.path("registry").asText(),
          new ChainRegistration(
              node.path("node").asText(),
              node.path("provider").asText(),
              node.path("nonce").asLong(-1)),
          Signature.parse(node.path("signature").asText()));
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedMessageException("malformed chain registration: " + e.getMessage());
    }
  }
}
