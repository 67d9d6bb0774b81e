package io.aifabric.protocol.seal;

import java.nio.charset.StandardCharsets;

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
    return BindingText.encode(
        LABEL,
        out -> {
          BindingText.write(out, network);
          BindingText.write(out, jobUid);
          out.writeInt(replica);
        });
  }

  /** The binding a header's info names, so that a mismatch can say whose output it is. */
  static OutputBinding parse(byte[] info) throws SealedOutputException {
    return BindingText.decode(
        info,
        LABEL,
        "output",
        "the sealed output's binding is not an aifabric job's",
        in -> new OutputBinding(BindingText.read(in), BindingText.read(in), in.readInt()));
  }

  @Override
  public String toString() {
    return "job " + jobUid + " replica " + replica + " on network " + network;
  }
}
