package io.aifabric.protocol.seal;

import java.net.URI;

/**
 * Where a replica's sealed output is kept in its member's object store: one object per replica, in
 * the member's bucket, named by the network, the AIJob's UID and the replica. The operator presigns
 * the upload of exactly this key, the oracles check this key exists before they sign for the job,
 * and the user fetches it; all three derive it the same way from the job, so none trusts another's
 * word for where it is. Path-style URLs: every S3-compatible store (Ceph RGW, MinIO, SeaweedFS,
 * AWS) answers them.
 */
public final class SealedOutputObjects {
  private SealedOutputObjects() {}

  /** The object key: {@code aifabric/<network>/<job uid>/replica-<index>.aifs}. */
  public static String key(String network, String jobUid, int replica) {
    if (replica < 0) {
      throw new IllegalArgumentException("a replica index is not negative");
    }
    for (String part : new String[] {network, jobUid}) {
      if (part == null || part.isEmpty() || !part.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "a network id or job UID in an object key is letters, digits, '.', '_' and '-'");
      }
    }
    return "aifabric/" + network + "/" + jobUid + "/replica-" + replica + ".aifs";
  }

  /** The object's path-style URL at an S3 endpoint (http(s)://host[:port], no path). */
  public static URI url(String endpoint, String bucket, String key) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return URI.create(base + "/" + bucket + "/" + key);
  }
}
