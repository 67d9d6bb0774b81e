package io.aifabric.cli;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the network's host API is and which namespace a job is in: kubectl's own options. */
final class HostOptions {
  @Option(
      names = "--kubeconfig",
      description = "The host's kubeconfig (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--context", description = "The kubeconfig context of the network's host.")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      description = "The AIJob's namespace (default: the context's, else 'default').")
  String namespace;

  KubernetesClient connect() throws Exception {
    Config config;
    if (kubeconfig != null) {
      config = Config.fromKubeconfig(context, Files.readString(kubeconfig), kubeconfig.toString());
    } else {
      config = Config.autoConfigure(context);
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The named StorageVolume, or a clear error when it is not there. */
  StorageVolume volume(KubernetesClient host, String name) {
    String ns = namespace(host);
    StorageVolume volume = host.resources(StorageVolume.class).inNamespace(ns).withName(name).get();
    if (volume == null) {
      throw new IllegalArgumentException(
          "no StorageVolume " + name + " in namespace " + ns + " on the host");
    }
    return volume;
  }

  String namespace(KubernetesClient host) {
    String ns = namespace != null ? namespace : host.getNamespace();
    return ns == null ? "default" : ns;
  }

  /** The named AIJob, or a clear error when it is not there. */
  AIJob job(KubernetesClient host, String name) {
    String ns = namespace != null ? namespace : host.getNamespace();
    AIJob job =
        host.resources(AIJob.class).inNamespace(ns == null ? "default" : ns).withName(name).get();
    if (job == null) {
      throw new IllegalArgumentException(
          "no AIJob " + name + " in namespace " + (ns == null ? "default" : ns) + " on the host");
    }
    return job;
  }
}
