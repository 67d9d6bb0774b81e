package io.aifabric.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolumeSpec;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.ArchiveUnpacker;
import io.aifabric.protocol.seal.InputBinding;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.SealedSummary;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeInputsTest {
  private static final X25519KeyPair USER = X25519KeyPair.generate(new SecureRandom());
  private static final InputBinding TRAIN = new InputBinding("net", "vol-uid", "train");
  private static final Progress QUIET = new Progress(new PrintWriter(new StringWriter()), false);

  @Test
  void aDirectorySealsToTheVolumesKeyAndOpensBackForItsInputOnly(@TempDir Path dir)
      throws Exception {
    Path source = Files.createDirectories(dir.resolve("train"));
    Files.writeString(source.resolve("a.txt"), "alpha");
    Files.createDirectories(source.resolve("sub"));
    Files.writeString(source.resolve("sub/b.txt"), "beta");
    Path sealed = dir.resolve("train.aifs");

    SealedSummary summary = VolumeInputs.seal(source, USER.publicKey(), TRAIN, sealed, QUIET);

    assertThat(summary.contentAddress())
        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(sealed)));
    assertThat(summary.sealedBytes()).isEqualTo(Files.size(sealed));
    Path opened = dir.resolve("opened");
    try (InputStream in = OpeningInputStream.open(Files.newInputStream(sealed), USER, TRAIN)) {
      ArchiveUnpacker.unpack(in, opened);
    }
    assertThat(opened.resolve("a.txt")).hasContent("alpha");
    assertThat(opened.resolve("sub/b.txt")).hasContent("beta");
  }

  @Test
  void aFileIsNotAnInputAndAnExistingTargetIsNotOverwritten(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("one.txt"), "x");
    Path source = Files.createDirectories(dir.resolve("train"));
    Path taken = Files.writeString(dir.resolve("taken.aifs"), "mine");

    assertThatThrownBy(
            () -> VolumeInputs.seal(file, USER.publicKey(), TRAIN, dir.resolve("o"), QUIET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(
            "is not a directory: an input is a directory (put a single file in one)");
    assertThatThrownBy(() -> VolumeInputs.seal(source, USER.publicKey(), TRAIN, taken, QUIET))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(taken).hasContent("mine");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void anInputReplacesTheOneOfItsNameAndKeepsTheOthers() {
    SealedInput train = VolumeInputs.recorded("train", "http://s/b/t1", new byte[32], 10);
    SealedInput eval = VolumeInputs.recorded("eval", "http://s/b/e", new byte[32], 20);
    byte[] other = new byte[32];
    other[0] = 1;
    SealedInput newTrain = VolumeInputs.recorded("train", "http://s/b/t2", other, 30);

    List<SealedInput> updated = VolumeInputs.with(List.of(train, eval), newTrain);

    assertThat(updated).containsExactly(eval, newTrain);
    assertThat(newTrain.getContentAddress()).isEqualTo(Hex.encode(other));
  }

  @Test
  void aVolumeWithoutAKeyHasNothingToSealTo() {
    StorageVolume volume = new StorageVolume();
    volume.getMetadata().setName("data");
    volume.setSpec(new StorageVolumeSpec());

    assertThatThrownBy(() -> VolumeInputs.sealingKey(volume))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("StorageVolume data has no spec.encryptionKey to seal inputs to");
  }
}
