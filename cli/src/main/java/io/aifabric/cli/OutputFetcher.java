package io.aifabric.cli;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.ArchiveUnpacker;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.OutputBinding;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Fetches one replica's sealed output and opens it into a directory, so that nothing appears there
 * unless all of it checks: the download streams through SHA-256 (the content address the node
 * signed for) and the HPKE STREAM opening (the user's key, the job's and replica's binding), and
 * the archive unpacks into a hidden directory beside the target that becomes the target only when
 * the stream opened to its last chunk and the address matched. Any failure deletes it. One pass
 * over the download, memory bounded by a chunk.
 */
final class OutputFetcher {
  /** What was fetched: where, how much, and the address it matched. */
  record Fetched(int replica, Path dir, int files, long plainBytes, String contentAddress) {}

  private final ObjectReader store;
  private final Progress progress;

  OutputFetcher(ObjectReader store, Progress progress) {
    this.store = store;
    this.progress = progress;
  }

  /**
   * @param receipt the replica's receipt, its node signature checked ({@link ReceiptCheck})
   */
  Fetched fetch(
      AIJob job,
      ReplicaOutput output,
      WorkReceipt receipt,
      String network,
      X25519KeyPair key,
      Path target)
      throws IOException {
    if (Files.exists(target)) {
      throw new IOException(target + " exists already; fetch never writes over it");
    }
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path partial = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
    try {
      MessageDigest sha256 = sha256();
      long[] counted = new long[1];
      ArchiveUnpacker.Unpacked unpacked;
      progress.start("replica " + output.getReplica(), receipt.sealedBytes());
      try (InputStream raw = store.open(URI.create(output.getUrl()));
          InputStream hashed = new Hashing(raw, sha256, counted, progress);
          OpeningInputStream opened =
              OpeningInputStream.open(
                  hashed,
                  key,
                  new OutputBinding(network, job.getMetadata().getUid(), output.getReplica()))) {
        unpacked = ArchiveUnpacker.unpack(opened, partial);
        // The archive ends before the stream does (tar's end blocks): read on to the sealed
        // stream's end, which proves it whole (its last chunk, nothing after it).
        opened.transferTo(OutputStream.nullOutputStream());
      } finally {
        progress.finish();
      }
      byte[] address = sha256.digest();
      if (!Arrays.equals(address, receipt.outputDigest()) || counted[0] != receipt.sealedBytes()) {
        throw new IOException(
            "the download ("
                + counted[0]
                + " bytes, content address "
                + Hex.encode(address)
                + ") is not the output node "
                + output.getNode()
                + " signed for ("
                + receipt.sealedBytes()
                + " bytes, "
                + Hex.encode(receipt.outputDigest())
                + ")");
      }
      Files.move(partial, target);
      return new Fetched(
          output.getReplica(), target, unpacked.files(), unpacked.bytes(), Hex.encode(address));
    } finally {
      deleteTree(partial);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Hashes and counts what passes through, and tells the progress bar. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest digest;
    private final long[] counted;
    private final Progress progress;

    Hashing(InputStream in, MessageDigest digest, long[] counted, Progress progress) {
      super(in);
      this.digest = digest;
      this.counted = counted;
      this.progress = progress;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        digest.update((byte) b);
        counted[0]++;
        progress.advance(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        digest.update(b, off, n);
        counted[0] += n;
        progress.advance(n);
      }
      return n;
    }
  }
}
