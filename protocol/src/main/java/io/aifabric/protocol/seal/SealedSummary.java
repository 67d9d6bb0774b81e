package io.aifabric.protocol.seal;

import io.aifabric.protocol.Hex;

/**
 * A sealed output once written: its content address (SHA-256 of every sealed byte, header included)
 * and its sizes.
 */
public record SealedSummary(byte[] contentAddress, long sealedBytes, long plainBytes) {
  public SealedSummary {
    contentAddress = contentAddress.clone();
  }

  @Override
  public byte[] contentAddress() {
    return contentAddress.clone();
  }

  /** The address as 0x and 64 hex digits, as receipts and status show it. */
  public String contentAddressHex() {
    return Hex.encode(contentAddress);
  }
}
