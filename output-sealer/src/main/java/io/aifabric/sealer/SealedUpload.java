package io.aifabric.sealer;

import io.aifabric.protocol.seal.OutputArchive;
import io.aifabric.protocol.seal.SealReport;
import io.aifabric.protocol.seal.SealingOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * Seals the output directory as it streams to the object store: tar → HPKE STREAM → HTTP PUT of the
 * presigned URL, in one pass and constant memory. The archive's length is planned before a byte is
 * written ({@link OutputArchive}), so the sealed length is known and the PUT names it up front (S3
 * takes no upload of unknown length on a presigned URL) without a temporary copy of the output.
 *
 * <p>A failed attempt that may succeed later (no answer, a 5xx, a 429) is tried again from the
 * start, sealed afresh; an answer that will not change (403: expired or not signed for this object;
 * 400) ends it at once. The report names what the last successful attempt stored.
 */
final class SealedUpload {
  private final SecureRandom random = new SecureRandom();
  private final Duration backoff;

  SealedUpload(Duration backoff) {
    this.backoff = backoff;
  }

  SealReport run(SealerSettings settings) throws IOException, InterruptedException {
    OutputArchive archive = OutputArchive.of(settings.outputDir());
    for (String name : archive.skipped()) {
      System.out.println("not sealed (a link or special file): " + name);
    }
    IOException last = null;
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      try {
        return putOnce(settings, archive);
      } catch (RetryableUploadException e) {
        last = e;
        System.err.printf(
            "upload attempt %d of %d to %s failed: %s%n",
            attempt, settings.attempts(), settings.uploadTarget(), e.getMessage());
        if (attempt < settings.attempts()) {
          Thread.sleep(backoff.multipliedBy(attempt).toMillis());
        }
      }
    }
    throw new IOException(
        "the sealed output could not be uploaded in "
            + settings.attempts()
            + " attempts; the last: "
            + last.getMessage());
  }

  private SealReport putOnce(SealerSettings settings, OutputArchive archive) throws IOException {
    long sealedLength = SealingOutputStream.sealedLength(archive.length(), settings.binding());
    HttpURLConnection put;
    try {
      put = (HttpURLConnection) settings.uploadUrl().toURL().openConnection();
    } catch (IOException e) {
      throw new RetryableUploadException(e.getMessage());
    }
    put.setRequestMethod("PUT");
    put.setDoOutput(true);
    put.setConnectTimeout(10_000);
    put.setReadTimeout((int) Math.min(Integer.MAX_VALUE, settings.uploadTimeout().toMillis()));
    put.setFixedLengthStreamingMode(sealedLength);
    put.setRequestProperty("Content-Type", "application/octet-stream");
    SealingOutputStream sealed;
    try {
      OutputStream body = put.getOutputStream();
      sealed =
          SealingOutputStream.to(
              body, settings.recipient(), settings.binding(), settings.suite(), random);
      archive.writeTo(sealed);
      sealed.close();
    } catch (IOException e) {
      put.disconnect();
      if (e.getMessage() != null && e.getMessage().contains("while it was being sealed")) {
        throw e;
      }
      throw new RetryableUploadException("sending failed: " + e.getMessage());
    }
    int status;
    try {
      status = put.getResponseCode();
    } catch (IOException e) {
      throw new RetryableUploadException("no answer: " + e.getMessage());
    }
    String answer = body(put);
    if (status >= 200 && status < 300) {
      return SealReport.of(sealed.summary(), archive.entryCount());
    }
    String said = "the store answered " + status + (answer.isEmpty() ? "" : ": " + answer);
    if (status >= 500 || status == 429 || status == 408) {
      throw new RetryableUploadException(said);
    }
    throw new IOException(said);
  }

  /** The start of the store's answer (an S3 error document says why), for the log. */
  private static String body(HttpURLConnection put) {
    try (InputStream in =
        put.getResponseCode() >= 400 ? put.getErrorStream() : put.getInputStream()) {
      if (in == null) {
        return "";
      }
      return new String(in.readNBytes(512), java.nio.charset.StandardCharsets.UTF_8)
          .replaceAll("\\s+", " ")
          .strip();
    } catch (IOException e) {
      return "";
    }
  }

  static final class RetryableUploadException extends IOException {
    RetryableUploadException(String message) {
      super(message);
    }
  }
}
