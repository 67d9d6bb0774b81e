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
 * What a sealed output belongs to: the network, the AIJob's UID and the replica index. Its encoding
 * is the HPKE {@code info}, so the keys of an output depend on it: an output cannot be passed off
 * as another job's or another replica's, since it does not open under their binding.
 *
 * <p>Encoding (version 1): the label {@code "aifabric sealed output v1"}, then the network id and
 * the UID, each as a u16 big-endian length and UTF-8, then the replica as a u32 big-endian.
 */
public record OutputBinding(String network, String jobUid, int replica) implements SealBinding {
  private static final byte[] LABEL = "aifabric sealed output v1".getBytes(StandardCharsets.UTF_8);

  public OutputBinding {
    BindingText.require("network id", network);
    BindingText.require("job UID", jobUid);
    if (replica < 0) {
      throw new IllegalArgumentException("a replica index is not negative");
    }
  }

  @Override
  public byte[] info() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(LABEL);
      BindingText.write(out, network);
      BindingText.write(out, jobUid);
      out.writeInt(replica);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The binding a header's info names, so that a mismatch can say whose output it is. */
  static OutputBinding parse(byte[] info) throws SealedOutputException {
    if (info.length < LABEL.length || !Arrays.equals(Arrays.copyOf(info, LABEL.length), LABEL)) {
      throw new SealedOutputException("the sealed output's binding is not an aifabric job's");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(info))) {
      in.skipNBytes(LABEL.length);
      String network = BindingText.read(in);
      String uid = BindingText.read(in);
      int replica = in.readInt();
      if (in.available() != 0) {
        throw new SealedOutputException("the sealed output's binding has bytes after its end");
      }
      return new OutputBinding(network, uid, replica);
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof SealedOutputException sealed) {
        throw sealed;
      }
      throw new SealedOutputException("the sealed output's binding is malformed");
    }
  }

  @Override
  public String toString() {
    return "job " + jobUid + " replica " + replica + " on network " + network;
  }
}
