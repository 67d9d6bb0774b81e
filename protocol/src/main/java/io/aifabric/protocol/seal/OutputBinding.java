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
public record OutputBinding(String network, String jobUid, int replica) {
  private static final byte[] LABEL = "aifabric sealed output v1".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_TEXT = 253;

  public OutputBinding {
    if (network == null || network.isEmpty() || jobUid == null || jobUid.isEmpty()) {
      throw new IllegalArgumentException("an output binding needs a network id and a job UID");
    }
    if (utf8(network).length > MAX_TEXT || utf8(jobUid).length > MAX_TEXT) {
      throw new IllegalArgumentException(
          "a network id or job UID is at most " + MAX_TEXT + " bytes");
    }
    if (replica < 0) {
      throw new IllegalArgumentException("a replica index is not negative");
    }
  }

  /** The HPKE info: what the keys of the output are bound to. */
  public byte[] info() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(LABEL);
      text(out, network);
      text(out, jobUid);
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
      String network = text(in);
      String uid = text(in);
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

  private static void text(DataOutputStream out, String value) throws IOException {
    byte[] bytes = utf8(value);
    out.writeShort(bytes.length);
    out.write(bytes);
  }

  private static String text(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
