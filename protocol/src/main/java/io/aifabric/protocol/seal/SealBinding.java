package io.aifabric.protocol.seal;

/**
 * What a sealed stream belongs to. Its encoding is the HPKE {@code info}, so the stream's keys
 * depend on it: a stream sealed for one binding does not open under another. Two kinds exist, each
 * with its own label so that neither can be mistaken for the other: a job replica's output ({@link
 * OutputBinding}) and a StorageVolume's input ({@link InputBinding}).
 */
public sealed interface SealBinding permits OutputBinding, InputBinding {
  /** The HPKE info: what the stream's keys are bound to. */
  byte[] info();

  /** Names the binding a header's info encodes, for an error that says whose stream it is. */
  static String describe(byte[] info) {
    try {
      return OutputBinding.parse(info).toString();
    } catch (SealedOutputException notAnOutput) {
      try {
        return InputBinding.parse(info).toString();
      } catch (SealedOutputException neither) {
        return "something that is not an aifabric job's or volume's";
      }
    }
  }
}
