package io.aifabric.protocol.seal;

import java.nio.charset.StandardCharsets;

/**
 * What a sealed input belongs to: the network, the StorageVolume's UID and the input's name in that
 * volume. An input sealed for one volume does not open as another volume's, nor as another input of
 * the same volume, nor as any job's output.
 *
 * <p>Encoding (version 1): the label {@code "aifabric sealed input v1"}, then the network id, the
 * volume UID and the input name, each as a u16 big-endian length and UTF-8.
 */
public record InputBinding(String network, String volumeUid, String input) implements SealBinding {
  private static final byte[] LABEL = "aifabric sealed input v1".getBytes(StandardCharsets.UTF_8);

  public InputBinding {
    BindingText.require("network id", network);
    BindingText.require("volume UID", volumeUid);
    BindingText.require("input name", input);
  }

  @Override
  public byte[] info() {
    return BindingText.encode(
        LABEL,
        out -> {
          BindingText.write(out, network);
          BindingText.write(out, volumeUid);
          BindingText.write(out, input);
        });
  }

  static InputBinding parse(byte[] info) throws SealedOutputException {
    return BindingText.decode(
        info,
        LABEL,
        "input",
        "the sealed stream's binding is not a volume input's",
        in -> new InputBinding(BindingText.read(in), BindingText.read(in), BindingText.read(in)));
  }

  @Override
  public String toString() {
    return "input " + input + " of volume " + volumeUid + " on network " + network;
  }
}
