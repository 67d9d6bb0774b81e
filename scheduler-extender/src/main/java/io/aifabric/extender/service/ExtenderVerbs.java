package io.aifabric.extender.service;

import io.aifabric.extender.FilterPolicy;
import io.aifabric.extender.GpuFilter;
import io.aifabric.extender.GpuPrioritizer;
import io.aifabric.extender.GpuRequest;
import io.aifabric.extender.NodeGpus;
import io.aifabric.extender.wire.ExtenderArgs;
import io.aifabric.extender.wire.ExtenderFilterResult;
import io.aifabric.extender.wire.FailedNode;
import io.aifabric.extender.wire.HostPriority;
import io.aifabric.extender.wire.JsonString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Filter and prioritize over what kube-scheduler sends: node names resolved against the node cache
 * ({@code nodeCacheCapable: true}, what the chart configures) or whole Nodes (without a cache), in
 * either case with the GPUs in use that the ledger counts now.
 */
public final class ExtenderVerbs {
  static final JsonString NOT_CACHED = JsonString.of("node is not in the extender's cache yet");

  private final Function<String, Optional<NodeGpus>> cache;
  private final ToIntFunction<String> inUse;
  private final FilterPolicy policy;
  private final GpuPrioritizer prioritizer;

  /**
   * @param cache nodes by name, with their GPUs in use
   * @param inUse GPUs in use by node name, for Nodes that come whole in the request
   */
  public ExtenderVerbs(
      Function<String, Optional<NodeGpus>> cache,
      ToIntFunction<String> inUse,
      FilterPolicy policy,
      GpuPrioritizer prioritizer) {
    this.cache = cache;
    this.inUse = inUse;
    this.policy = policy;
    this.prioritizer = prioritizer;
  }

  /**
   * @throws IllegalArgumentException for a request without a GPU pod or without nodes
   */
  public ExtenderFilterResult filter(ExtenderArgs args) {
    GpuRequest pod = GpuRequest.of(args.pod());
    List<JsonString> unknown = new ArrayList<>();
    List<NodeGpus> nodes = nodes(args, unknown);
    GpuFilter.Result result = GpuFilter.filter(pod, nodes, policy);
    List<FailedNode> failed = result.failed();
    for (JsonString name : unknown) {
      failed.add(new FailedNode(name, NOT_CACHED));
    }
    if (args.nodeNames() != null) {
      return new ExtenderFilterResult(null, result.fit(), failed, result.unresolvable(), null);
    }
    // Without a node cache kube-scheduler expects the Nodes that fit back, whole.
    Map<String, Node> byName = new HashMap<>();
    args.nodes().getItems().forEach(n -> byName.put(n.getMetadata().getName(), n));
    NodeList fit = new NodeList();
    fit.setItems(result.fit().stream().map(name -> byName.get(name.text())).toList());
    return new ExtenderFilterResult(fit, null, failed, result.unresolvable(), null);
  }

  /**
   * @throws IllegalArgumentException for a request without a GPU pod or without nodes
   */
  public List<HostPriority> prioritize(ExtenderArgs args) {
    GpuRequest pod = GpuRequest.of(args.pod());
    List<JsonString> unknown = new ArrayList<>();
    List<NodeGpus> nodes = nodes(args, unknown);
    List<HostPriority> scores = new ArrayList<>(prioritizer.prioritize(pod, nodes));
    // A node that filter let through but the cache lost since still needs a score.
    unknown.forEach(name -> scores.add(new HostPriority(name, HostPriority.MIN)));
    return scores;
  }

  /** The nodes the request names, and in {@code unknown} those the cache does not have. */
  private List<NodeGpus> nodes(ExtenderArgs args, List<JsonString> unknown) {
    if (args.nodeNames() != null) {
      List<NodeGpus> nodes = new ArrayList<>(args.nodeNames().size());
      for (String name : args.nodeNames()) {
        Optional<NodeGpus> node = cache.apply(name);
        if (node.isPresent()) {
          nodes.add(node.get());
        } else {
          unknown.add(JsonString.of(name));
        }
      }
      return nodes;
    }
    if (args.nodes() != null && args.nodes().getItems() != null) {
      List<NodeGpus> nodes = new ArrayList<>(args.nodes().getItems().size());
      for (Node node : args.nodes().getItems()) {
        nodes.add(NodeGpus.of(node, inUse.applyAsInt(node.getMetadata().getName())));
      }
      return nodes;
    }
    throw new IllegalArgumentException("the request names no nodes (neither NodeNames nor Nodes)");
  }
}
