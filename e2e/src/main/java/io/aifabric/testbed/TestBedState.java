package io.aifabric.testbed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The test bed's state.json, written by {@code testbed up} once every cluster is ready. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TestBedState(
    String dir, int pid, String kubeconfig, List<ClusterInfo> clusters, double startupSeconds) {

  /** One cluster: its API server, admin kubeconfig, region and component processes. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ClusterInfo(
      String name,
      String role,
      String region,
      String server,
      String kubeconfig,
      int gpuNodes,
      int nodes,
      List<Component> components) {}

  /** A process of the cluster (etcd, kube-apiserver, ...), with its log file. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Component(String name, String cluster, int pid, String log) {}
}
