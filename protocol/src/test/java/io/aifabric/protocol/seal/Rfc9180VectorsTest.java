package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The HPKE primitive of both sealing suites against RFC 9180 Appendix A.1.1 (AES-128-GCM) and A.2.1
 * (ChaCha20-Poly1305), base mode: the published key pairs from ikmE and ikmR, the encapsulated key,
 * the first two ciphertexts and the three exported values. A round trip would also pass with a key
 * schedule that is wrong the same way on both sides; these cannot.
 */
class Rfc9180VectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] INFO = HEX.parseHex("4f6465206f6e2061204772656369616e2055726e");
  private static final byte[] PLAINTEXT =
      HEX.parseHex("4265617574792069732074727574682c20747275746820626561757479");

  record Vector(
      String ikmE,
      String skEm,
      String pkEm,
      String ikmR,
      String skRm,
      String pkRm,
      String ct0,
      String ct1,
      String exportEmpty,
      String exportZero,
      String exportTestContext) {}

  static Vector vector(SealSuite suite) {
    return switch (suite) {
      case AES_128_GCM ->
          new Vector(
              "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
              "52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736",
              "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
              "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
              "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
              "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
              "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
              "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84",
              "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee",
              "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5",
              "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931");
      case CHACHA20_POLY1305 ->
          new Vector(
              "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
              "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600",
              "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
              "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df",
              "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
              "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
              "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
              "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c",
              "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e",
              "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69",
              "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53");
    };
  }

  @ParameterizedTest
  @EnumSource(SealSuite.class)
  void keyPairsDeriveFromTheirSeedsAsPublished(SealSuite suite) {
    Vector v = vector(suite);
    HPKE hpke = suite.hpke();
    AsymmetricCipherKeyPair ephemeral = hpke.deriveKeyPair(HEX.parseHex(v.ikmE()));
    AsymmetricCipherKeyPair recipient = hpke.deriveKeyPair(HEX.parseHex(v.ikmR()));

    // RFC 9180 section 7.1.2: SerializePrivateKey clamps X25519 scalars; the appendix prints them
    // raw.
    assertThat(hpke.serializePrivateKey(ephemeral.getPrivate()))
        .isEqualTo(clamped(HEX.parseHex(v.skEm())));
    assertThat(HEX.formatHex(hpke.serializePublicKey(ephemeral.getPublic()))).isEqualTo(v.pkEm());
    assertThat(hpke.serializePrivateKey(recipient.getPrivate()))
        .isEqualTo(clamped(HEX.parseHex(v.skRm())));
    assertThat(HEX.formatHex(hpke.serializePublicKey(recipient.getPublic()))).isEqualTo(v.pkRm());
    assertThat(X25519KeyPair.fromSecret(HEX.parseHex(v.skRm())).publicKey())
        .isEqualTo(HEX.parseHex(v.pkRm()));
  }

  @ParameterizedTest
  @EnumSource(SealSuite.class)
  void theSenderEncapsulatesSealsAndExportsAsPublished(SealSuite suite) throws Exception {
    Vector v = vector(suite);
    HPKE hpke = suite.hpke();
    AsymmetricCipherKeyPair ephemeral = hpke.deriveKeyPair(HEX.parseHex(v.ikmE()));

    HPKEContextWithEncapsulation sender =
        hpke.setupBaseS(hpke.deserializePublicKey(HEX.parseHex(v.pkRm())), INFO, ephemeral);

    assertThat(HEX.formatHex(sender.getEncapsulation())).isEqualTo(v.pkEm());
    assertThat(HEX.formatHex(sender.seal(ascii("Count-0"), PLAINTEXT))).isEqualTo(v.ct0());
    assertThat(HEX.formatHex(sender.seal(ascii("Count-1"), PLAINTEXT))).isEqualTo(v.ct1());
    assertExports(sender, v);
  }

  @ParameterizedTest
  @EnumSource(SealSuite.class)
  void theRecipientOpensThePublishedCiphertexts(SealSuite suite) throws Exception {
    Vector v = vector(suite);
    HPKE hpke = suite.hpke();
    AsymmetricCipherKeyPair recipient =
        hpke.deserializePrivateKey(HEX.parseHex(v.skRm()), HEX.parseHex(v.pkRm()));

    HPKEContext context = hpke.setupBaseR(HEX.parseHex(v.pkEm()), recipient, INFO);

    assertThat(context.open(ascii("Count-0"), HEX.parseHex(v.ct0()))).isEqualTo(PLAINTEXT);
    assertThat(context.open(ascii("Count-1"), HEX.parseHex(v.ct1()))).isEqualTo(PLAINTEXT);
    assertExports(context, v);
  }

  private static void assertExports(HPKEContext context, Vector v) {
    assertThat(HEX.formatHex(context.export(new byte[0], 32))).isEqualTo(v.exportEmpty());
    assertThat(HEX.formatHex(context.export(new byte[] {0}, 32))).isEqualTo(v.exportZero());
    assertThat(HEX.formatHex(context.export(ascii("TestContext"), 32)))
        .isEqualTo(v.exportTestContext());
  }

  private static byte[] clamped(byte[] scalar) {
    scalar[0] &= (byte) 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    return scalar;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
