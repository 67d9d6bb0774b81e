package io.aifabric.protocol;

/**
 * MQTT topics of the node protocol; the address is lowercase hex, as {@link EthAddress#toString}.
 */
public final class Topics {
  public static final String HEARTBEATS = "aifabric/v1/heartbeats/";
  public static final String RECEIPTS = "aifabric/v1/receipts/";
  public static final String HARDWARE = "aifabric/v1/hardware/";

  private Topics() {}

  public static String heartbeat(EthAddress node) {
    return HEARTBEATS + node;
  }

  /** A node's latest hardware report (published retained: a new subscriber gets it at once). */
  public static String hardware(EthAddress node) {
    return HARDWARE + node;
  }

  /** One topic per node and job: a receiver can subscribe to a job's receipts alone. */
  public static String receipt(EthAddress node, String jobUid) {
    return RECEIPTS + node + "/" + jobUid;
  }
}
