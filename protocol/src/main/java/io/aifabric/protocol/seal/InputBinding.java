package io.aifabric.protocol.seal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(LABEL);
      BindingText.write(out, network);
      BindingText.write(out, volumeUid);
      BindingText.write(out, input);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static InputBinding parse(byte[] info) throws SealedOutputException {
    if (info.length < LABEL.length || !Arrays.equals(Arrays.copyOf(info, LABEL.length), LABEL)) {
      throw new SealedOutputException("the sealed stream's binding is not a volume input's");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(info))) {
      in.skipNBytes(LABEL.length);
      InputBinding binding =
          new InputBinding(BindingText.read(in), BindingText.read(in), BindingText.read(in));
      if (in.available() != 0) {
        throw new SealedOutputException("the sealed input's binding has bytes after its end");
      }
      return binding;
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof SealedOutputException sealed) {
        throw sealed;
      }
      throw new SealedOutputException("the sealed input's binding is malformed");
    }
  }

  @Override
  public String toString() {
    return "input " + input + " of volume " + volumeUid + " on network " + network;
  }
}
