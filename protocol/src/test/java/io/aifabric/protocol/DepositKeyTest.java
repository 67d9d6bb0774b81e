package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DepositKeyTest {
  private static final String UID = "0f3c2a8e-6b1d-4c7e-9a55-2d8b7e1f4c90";

  @Test
  void isTheEip712StructHashSolidityAndJavaScriptComputeToo() {
    // keccak256(abi.encode(TYPEHASH, keccak256("aifabric"), keccak256("ml-team"), ...)),
    // computed with js-sha3 from the escrow bridge's npm tools, not with this class.
    assertThat(DepositKey.hex("aifabric", "ml-team", "llama-inference", UID))
        .isEqualTo("0x9f10f3b0ee47679856b054b64450e4194bcc5f657426ebba0f08704e7d877fa1");
  }

  @Test
  void everyPartOfTheIdentityChangesTheKey() {
    String key = DepositKey.hex("aifabric", "ml-team", "llama-inference", UID);
    assertThat(DepositKey.hex("other-network", "ml-team", "llama-inference", UID))
        .isNotEqualTo(key);
    assertThat(DepositKey.hex("aifabric", "ml-team2", "llama-inference", UID)).isNotEqualTo(key);
    assertThat(DepositKey.hex("aifabric", "ml-team", "llama-inference2", UID)).isNotEqualTo(key);
    assertThat(DepositKey.hex("aifabric", "ml-team", "llama-inference", UID.replace('0', '1')))
        .isNotEqualTo(key);
    // Fields are hashed one by one: moving a character across a boundary is another key.
    assertThat(DepositKey.hex("aifabric", "ml-tea", "mllama-inference", UID)).isNotEqualTo(key);
  }

  @Test
  void aJobWithoutUidHasNoKey() {
    assertThatThrownBy(() -> DepositKey.of("aifabric", "ml-team", "llama-inference", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UID");
  }
}
