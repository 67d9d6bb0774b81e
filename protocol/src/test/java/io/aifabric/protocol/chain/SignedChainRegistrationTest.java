package io.aifabric.protocol.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodeKey;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SignedChainRegistrationTest {
  private static final String REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  private static final String PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

  @Test
  void aRegistrationSignedByTheNodeRoundTripsAndVerifiesOnlyForItsNodeChainAndRegistry()
      throws Exception {
    NodeKey node = NodeKey.generate(new SecureRandom());
    NodeKey other = NodeKey.generate(new SecureRandom());
    ChainRegistration registration = new ChainRegistration(node.address().toString(), PROVIDER, 0);
    SignedChainRegistration signed =
        new SignedChainRegistration(
            31337, REGISTRY, registration, node.sign(registration.digest(31337, REGISTRY)));

    SignedChainRegistration parsed = SignedChainRegistration.parse(signed.toJson());

    assertThat(parsed.signedBy(node.publicKey())).isTrue();
    assertThat(parsed.signedBy(other.publicKey())).isFalse();
    // The same signature named for another chain, registry or nonce does not verify.
    for (SignedChainRegistration moved :
        new SignedChainRegistration[] {
          new SignedChainRegistration(1, REGISTRY, registration, signed.signature()),
          new SignedChainRegistration(
              31337, "0x" + "11".repeat(20), registration, signed.signature()),
          new SignedChainRegistration(
              31337,
              REGISTRY,
              new ChainRegistration(node.address().toString(), PROVIDER, 1),
              signed.signature())
        }) {
      assertThat(moved.signedBy(node.publicKey())).isFalse();
    }
  }

  @Test
  void somethingElseIsNotARegistration() {
    assertThatThrownBy(() -> SignedChainRegistration.parse("{\"v\":2}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessage("not a version-1 chain registration");
    assertThatThrownBy(
            () ->
                SignedChainRegistration.parse(
                    "{\"v\":1,\"chainId\":1,\"registry\":\"x\",\"node\":\"y\",\"provider\":\"z\","
                        + "\"nonce\":0,\"signature\":\"0x00\"}"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageStartingWith("malformed chain registration");
  }
}
