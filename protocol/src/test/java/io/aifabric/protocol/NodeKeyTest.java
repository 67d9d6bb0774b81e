package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NodeKeyTest {
  // Hardhat/anvil's well-known first development account: a published key/address pair.
  static final String DEV_KEY = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
  static final String DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

  static NodeKey devKey() {
    return NodeKey.fromPrivateBytes(HexFormat.of().parseHex(DEV_KEY));
  }

  @Test
  void derivesTheEthereumAddressOfAKnownKey() {
    assertThat(devKey().address().checksummed()).isEqualTo(DEV_ADDRESS);
    assertThat(devKey().address()).isEqualTo(EthAddress.parse(DEV_ADDRESS));
  }

  @Test
  void keccakIsEthereumsNotSha3() {
    // keccak256("") as every Ethereum library knows it.
    assertThat(Hex.encode(Keccak256.hash(new byte[0])))
        .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  }

  @Test
  void signaturesVerifyAreLowSAndRecoverableByEcrecoverRules() {
    NodeKey key = NodeKey.generate(new SecureRandom());
    for (int i = 0; i < 50; i++) {
      byte[] digest = Keccak256.hash(("message " + i).getBytes(StandardCharsets.UTF_8));
      Signature sig = key.sign(digest);
      assertThat(sig.s()).isLessThanOrEqualTo(Secp256k1.HALF_N);
      assertThat(key.publicKey().verifies(digest, sig)).isTrue();
      var recovered = Secp256k1.recover(sig.v() - 27, sig.r(), sig.s(), digest);
      assertThat(NodePublicKey.of(recovered).address()).isEqualTo(key.address());
    }
  }

  @Test
  void anotherKeyOrAnotherMessageDoesNotVerify() {
    NodeKey key = NodeKey.generate(new SecureRandom());
    NodeKey other = NodeKey.generate(new SecureRandom());
    byte[] digest = Keccak256.hash("m".getBytes(StandardCharsets.UTF_8));
    Signature sig = key.sign(digest);
    assertThat(other.publicKey().verifies(digest, sig)).isFalse();
    assertThat(key.publicKey().verifies(Keccak256.hash(new byte[] {1}), sig)).isFalse();
  }

  @Test
  void signaturesRoundTripThroughTheirWireForm() {
    Signature sig = devKey().sign(Keccak256.hash(new byte[] {7}));
    assertThat(Signature.parse(sig.toString())).isEqualTo(sig);
    assertThat(Signature.fromBytes(sig.toBytes())).isEqualTo(sig);
  }

  @Test
  void malleableTruncatedAndOddSignaturesAreRefused() {
    Signature sig = devKey().sign(Keccak256.hash(new byte[] {7}));
    BigInteger highS = Secp256k1.N.subtract(sig.s());
    assertThatThrownBy(() -> new Signature(sig.r(), highS, sig.v())).hasMessageContaining("high");
    byte[] bytes = sig.toBytes();
    assertThatThrownBy(() -> Signature.fromBytes(java.util.Arrays.copyOf(bytes, 64)))
        .hasMessageContaining("65 bytes");
    bytes[64] = 1;
    assertThatThrownBy(() -> Signature.fromBytes(bytes)).hasMessageContaining("v must be 27 or 28");
    assertThatThrownBy(() -> new Signature(BigInteger.ZERO, sig.s(), 27))
        .hasMessageContaining("r is out of range");
  }

  @Test
  void keysRoundTripAndNeverPrintTheirSecret() {
    NodeKey key = NodeKey.generate(new SecureRandom());
    assertThat(NodeKey.fromPrivateBytes(key.privateBytes()).address()).isEqualTo(key.address());
    assertThat(NodePublicKey.fromBytes(key.publicKey().toBytes()).address())
        .isEqualTo(key.address());
    assertThat(key.toString()).doesNotContain(HexFormat.of().formatHex(key.privateBytes()));
  }

  @Test
  void aPublicKeyOffTheCurveIsRefused() {
    byte[] xy = devKey().publicKey().toBytes();
    xy[63] ^= 1;
    assertThatThrownBy(() -> NodePublicKey.fromBytes(xy))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
