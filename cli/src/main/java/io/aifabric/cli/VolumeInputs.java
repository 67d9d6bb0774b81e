package io.aifabric.cli;

import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.InputBinding;
import io.aifabric.protocol.seal.OutputArchive;
import io.aifabric.protocol.seal.SealedSummary;
import io.aifabric.protocol.seal.SealingOutputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A StorageVolume's sealed inputs on the user's side: a directory sealed (as a tar stream) to the
 * volume's {@code encryptionKey}, bound to the volume's UID and the input's name, and recorded in
 * the volume's {@code spec.inputs} once stored.
 */
final class VolumeInputs {
  private VolumeInputs() {}

  /** The binding an input of this volume is sealed for. */
  static InputBinding binding(String network, StorageVolume volume, String input) {
    return new InputBinding(network, volume.getMetadata().getUid(), input);
  }

  /** The key the volume's inputs are sealed to, or why there is none. */
  static byte[] sealingKey(StorageVolume volume) {
    String key = volume.getSpec().getEncryptionKey();
    if (key == null) {
      throw new IllegalStateException(
          "StorageVolume "
              + volume.getMetadata().getName()
              + " has no spec.encryptionKey to seal inputs to: set it to your public key"
              + " (aifabric keygen prints it)");
    }
    return X25519KeyPair.publicKeyFromBase64(key);
  }

  /**
   * Seals the directory {@code source} into the new file {@code target}; a target that exists is
   * not overwritten, and a failed seal leaves none.
   */
  static SealedSummary seal(
      Path source, byte[] recipient, InputBinding binding, Path target, Progress progress)
      throws IOException {
    if (!Files.isDirectory(source)) {
      throw new IllegalArgumentException(
          source + " is not a directory: an input is a directory (put a single file in one)");
    }
    OutputArchive archive = OutputArchive.of(source);
    progress.start("sealing " + binding.input(), archive.length());
    // Created before anything may be deleted: a target that is there already stays as it was.
    OutputStream created = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW);
    boolean done = false;
    try (OutputStream file = created) {
      SealingOutputStream sealed =
          SealingOutputStream.to(progress.counting(file), recipient, binding);
      archive.writeTo(sealed);
      sealed.close();
      done = true;
      progress.finish();
      return sealed.summary();
    } finally {
      if (!done) {
        Files.deleteIfExists(target);
      }
    }
  }

  /** The volume's inputs with {@code input} added, or replacing the one of its name. */
  static List<SealedInput> with(List<SealedInput> inputs, SealedInput input) {
    List<SealedInput> updated = new ArrayList<>();
    for (SealedInput existing : inputs) {
      if (!existing.getName().equals(input.getName())) {
        updated.add(existing);
      }
    }
    updated.add(input);
    return updated;
  }

  static SealedInput recorded(String name, String url, byte[] contentAddress, long sealedBytes) {
    SealedInput input = new SealedInput();
    input.setName(name);
    input.setUrl(url);
    input.setContentAddress(Hex.encode(contentAddress));
    input.setSealedBytes(sealedBytes);
    return input;
  }
}
