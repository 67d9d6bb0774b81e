package io.aifabric.testbed;

import java.nio.file.Path;
import java.util.List;

/**
 * The control-plane chart ({@code charts/aifabric-control-plane}) installed on the test bed's host,
 * and the credentials its operator ServiceAccount gets: tests run the packaged operator with
 * exactly the RBAC the chart grants.
 */
public final class ControlPlaneChart {
  private final TestBed bed;
  private final String namespace;
  private final boolean crds;

  public ControlPlaneChart(TestBed bed, String namespace) {
    this(bed, namespace, true);
  }

  private ControlPlaneChart(TestBed bed, String namespace, boolean crds) {
    this.bed = bed;
    this.namespace = namespace;
    this.crds = crds;
  }

  /**
   * The chart installed over an API installed before (AifabricApi): Helm leaves the CRDs alone
   * (--skip-crds), as it must when another field manager owns them.
   */
  public ControlPlaneChart overTheInstalledApi() {
    return new ControlPlaneChart(bed, namespace, false);
  }

  public static Path chart() {
    return AifabricApi.repoRoot().resolve("charts/aifabric-control-plane");
  }

  /**
   * Installs (or upgrades) a release. Its pods need not run here (the tests run the operator and
   * Mosquitto as processes); its Secrets, configuration and RBAC are what matter.
   *
   * @param settings {@code --set} values, e.g. {@code operator.replicas=3}
   */
  public ControlPlaneChart install(String release, String... settings) {
    List<String> flags = crds ? List.of("--timeout=60s") : List.of("--timeout=60s", "--skip-crds");
    bed.helmInstall(TestBed.HOST, namespace, release, chart(), flags, settings);
    return this;
  }

  /** The ServiceAccount the release's operator runs as. */
  public static String operatorAccount(String release) {
    return release + "-operator";
  }

  /** A kubeconfig with a token of the release's console ServiceAccount. */
  public Path consoleKubeconfig(String release) {
    String account = release + "-console";
    return TokenKubeconfig.forServiceAccount(
        bed, TestBed.HOST, namespace, account, TokenKubeconfig.anHour(), account);
  }

  /** A kubeconfig with a token of the release's operator ServiceAccount. */
  public Path operatorKubeconfig(String release) {
    String account = operatorAccount(release);
    return TokenKubeconfig.forServiceAccount(
        bed, TestBed.HOST, namespace, account, TokenKubeconfig.anHour(), account);
  }
}
