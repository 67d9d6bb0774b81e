package io.aifabric.protocol;

import java.util.HexFormat;

/** 0x-prefixed lowercase hex, as Ethereum tools write bytes. */
public final class Hex {
  private static final HexFormat HEX = HexFormat.of();

  private Hex() {}

  public static String encode(byte[] bytes) {
    return "0x" + HEX.formatHex(bytes);
  }

  /**
   * @throws IllegalArgumentException when the text is not 0x-prefixed hex of exactly that length
   */
  public static byte[] decode(String text, int length) {
    if (text == null || !text.startsWith("0x") || text.length() != 2 + 2 * length) {
      throw new IllegalArgumentException("expected 0x and " + 2 * length + " hex digits");
    }
    try {
      return HEX.parseHex(text, 2, text.length());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not hex: " + e.getMessage());
    }
  }
}
