package io.aifabric.sealer;

import io.aifabric.protocol.seal.OutputBinding;
import io.aifabric.protocol.seal.SealSuite;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What the sidecar is told by its pod: the environment the operator's dispatch writes (the user's
 * key, the network, the job and, from the downward API, the replica index) and the files mounted
 * into it (the job's output directory, read-only, and the upload URL of its replica, from a Secret
 * only this container mounts).
 *
 * @param uploadUrl a presigned PUT of this replica's object: a bearer credential, never logged
 */
record SealerSettings(
    Path outputDir,
    byte[] recipient,
    OutputBinding binding,
    SealSuite suite,
    URI uploadUrl,
    Path terminationLog,
    Duration uploadTimeout,
    int attempts) {

  static final String OUTPUT_DIR = "AIFABRIC_SEAL_OUTPUT_DIR";
  static final String RECIPIENT = "AIFABRIC_SEAL_RECIPIENT";
  static final String NETWORK = "AIFABRIC_SEAL_NETWORK";
  static final String JOB_UID = "AIFABRIC_SEAL_JOB_UID";
  static final String REPLICA = "AIFABRIC_SEAL_REPLICA";
  static final String SUITE = "AIFABRIC_SEAL_SUITE";
  static final String UPLOAD_DIR = "AIFABRIC_SEAL_UPLOAD_DIR";
  static final String TERMINATION_LOG = "AIFABRIC_SEAL_TERMINATION_LOG";
  static final String UPLOAD_TIMEOUT = "AIFABRIC_SEAL_UPLOAD_TIMEOUT_SECONDS";
  static final String ATTEMPTS = "AIFABRIC_SEAL_ATTEMPTS";

  /** The settings, or every problem with them in one message. */
  static SealerSettings from(Map<String, String> env) throws InvalidSettingsException {
    List<String> problems = new ArrayList<>();
    Path outputDir = Path.of(env.getOrDefault(OUTPUT_DIR, "/aifabric/output"));
    byte[] recipient = null;
    String key = env.get(RECIPIENT);
    if (key == null || key.isBlank()) {
      problems.add(RECIPIENT + " (the user's X25519 public key, base64) is not set");
    } else {
      try {
        recipient = Base64.getDecoder().decode(key.strip());
        if (recipient.length != 32) {
          problems.add(RECIPIENT + " is " + recipient.length + " bytes, not a 32-byte X25519 key");
        }
      } catch (IllegalArgumentException e) {
        problems.add(RECIPIENT + " is not base64");
      }
    }
    String network = env.get(NETWORK);
    String uid = env.get(JOB_UID);
    if (network == null || network.isBlank()) {
      problems.add(NETWORK + " is not set");
    }
    if (uid == null || uid.isBlank()) {
      problems.add(JOB_UID + " is not set");
    }
    int replica = -1;
    try {
      replica = Integer.parseInt(env.getOrDefault(REPLICA, ""));
      if (replica < 0) {
        problems.add(REPLICA + " is negative");
      }
    } catch (NumberFormatException e) {
      problems.add(REPLICA + " (the job completion index) is not a number");
    }
    SealSuite suite = SealSuite.CHACHA20_POLY1305;
    String suiteName = env.get(SUITE);
    if (suiteName != null && !suiteName.isBlank()) {
      try {
        suite = SealSuite.valueOf(suiteName.strip().toUpperCase().replace('-', '_'));
      } catch (IllegalArgumentException e) {
        problems.add(SUITE + " is " + suiteName + "; use CHACHA20_POLY1305 or AES_128_GCM");
      }
    }
    URI upload = null;
    if (replica >= 0) {
      Path urlFile =
          Path.of(env.getOrDefault(UPLOAD_DIR, "/aifabric/upload"))
              .resolve(String.valueOf(replica));
      try {
        upload = URI.create(Files.readString(urlFile, StandardCharsets.UTF_8).strip());
        if (!"https".equals(upload.getScheme()) && !"http".equals(upload.getScheme())) {
          problems.add("the upload URL in " + urlFile + " is not an http(s) URL");
        }
      } catch (IOException e) {
        problems.add("no upload URL for replica " + replica + " at " + urlFile);
      } catch (IllegalArgumentException e) {
        problems.add("the upload URL in " + urlFile + " is not a URL");
      }
    }
    Duration timeout = Duration.ofSeconds(number(env, UPLOAD_TIMEOUT, 3600, problems));
    int attempts = (int) number(env, ATTEMPTS, 5, problems);
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(String.join("; ", problems));
    }
    return new SealerSettings(
        outputDir,
        recipient,
        new OutputBinding(network.strip(), uid.strip(), replica),
        suite,
        upload,
        Path.of(env.getOrDefault(TERMINATION_LOG, "/dev/termination-log")),
        timeout,
        attempts);
  }

  private static long number(
      Map<String, String> env, String name, long fallback, List<String> problems) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed < 1) {
        problems.add(name + " must be at least 1");
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(name + " is not a number");
      return fallback;
    }
  }

  /** The object the URL names, without its query (the signature): what may be logged. */
  String uploadTarget() {
    return uploadUrl.getScheme() + "://" + uploadUrl.getAuthority() + uploadUrl.getPath();
  }

  static final class InvalidSettingsException extends Exception {
    InvalidSettingsException(String message) {
      super(message);
    }
  }
}
