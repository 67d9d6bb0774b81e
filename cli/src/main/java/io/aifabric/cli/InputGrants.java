package io.aifabric.cli;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.InputGrant;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.KeyGrant;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The user's half of a node opening a sealed input: each input's payload key, recovered from its
 * header with the user's key, sealed again to each node the job is placed on (its registered X25519
 * key), bound to the job, the node and the input's content address. Only keys leave the user.
 */
final class InputGrants {
  private final ObjectReader store;
  private final SecureRandom random;

  InputGrants(ObjectReader store, SecureRandom random) {
    this.store = store;
    this.random = random;
  }

  /** The ComputeNode names a placement names. */
  static Set<String> placedNodes(Placement placement) {
    Set<String> nodes = new LinkedHashSet<>();
    for (String node : placement.getNodes()) {
      nodes.add(placement.getCluster() + "." + node);
    }
    return nodes;
  }

  /**
   * Grants for every input of {@code volume} to every placed node.
   *
   * @param computeNodes finds a ComputeNode by name, or null
   */
  List<InputGrant> grant(
      AIJob job,
      StorageVolume volume,
      X25519KeyPair user,
      String network,
      Function<String, ComputeNode> computeNodes)
      throws IOException {
    Placement placement = job.getStatus().getPlacement();
    List<InputGrant> grants = new ArrayList<>();
    for (SealedInput input : volume.getSpec().getInputs()) {
      byte[] key;
      try (InputStream header = store.open(URI.create(input.getUrl()))) {
        key =
            OpeningInputStream.payloadKey(
                header, user, VolumeInputs.binding(network, volume, input.getName()));
      }
      for (String node : placedNodes(placement)) {
        KeyGrant.Binding binding =
            new KeyGrant.Binding(
                network,
                job.getMetadata().getUid(),
                node,
                Hex.decode(input.getContentAddress(), 32));
        InputGrant grant = new InputGrant();
        grant.setNode(node);
        grant.setVolume(volume.getMetadata().getName());
        grant.setInput(input.getName());
        grant.setGrant(
            Base64.getEncoder()
                .encodeToString(
                    KeyGrant.wrap(key, sealingKeyOf(computeNodes, node), binding, random)));
        grants.add(grant);
      }
    }
    return grants;
  }

  /** The job's grants with these replacing any for the same volume and input. */
  static List<InputGrant> merged(List<InputGrant> existing, List<InputGrant> added) {
    Set<String> replaced = new LinkedHashSet<>();
    added.forEach(g -> replaced.add(g.getVolume() + "/" + g.getInput()));
    List<InputGrant> merged = new ArrayList<>();
    for (InputGrant g : existing) {
      if (!replaced.contains(g.getVolume() + "/" + g.getInput())) {
        merged.add(g);
      }
    }
    merged.addAll(added);
    return merged;
  }

  private static byte[] sealingKeyOf(Function<String, ComputeNode> computeNodes, String name) {
    ComputeNode node = computeNodes.apply(name);
    var identity = node == null || node.getStatus() == null ? null : node.getStatus().getIdentity();
    if (identity == null || identity.getX25519PublicKey() == null) {
      throw new IllegalStateException(
          "ComputeNode " + name + " has registered no X25519 key: its agent has not joined yet");
    }
    return Hex.decode(identity.getX25519PublicKey(), 32);
  }
}
