package io.aifabric.testbed;

import java.nio.file.Path;
import java.util.List;

/**
 * The escrow bridge chart ({@code charts/aifabric-bridge}) installed on the host, one release per
 * bridge, and the credentials its ServiceAccount gets: tests run the packaged bridge with exactly
 * the RBAC the chart grants.
 */
public final class BridgeChart {
  private final TestBed bed;
  private final String namespace;

  public BridgeChart(TestBed bed, String namespace) {
    this.bed = bed;
    this.namespace = namespace;
  }

  public static Path chart() {
    return AifabricApi.repoRoot().resolve("charts/aifabric-bridge");
  }

  /**
   * Installs (or upgrades) one bridge release. Its pod need not run here (the tests run the bridge
   * as a process); its ServiceAccount and RBAC are what matter.
   *
   * @param settings {@code --set} values, e.g. {@code relayer.enabled=true}
   */
  public BridgeChart install(String release, String... settings) {
    bed.helmInstall(TestBed.HOST, namespace, release, chart(), List.of("--timeout=60s"), settings);
    return this;
  }

  /** A kubeconfig with a token of the release's ServiceAccount. */
  public Path kubeconfig(String release) {
    String account = release + "-escrow-bridge";
    return TokenKubeconfig.forServiceAccount(
        bed, TestBed.HOST, namespace, account, TokenKubeconfig.anHour(), account);
  }
}
