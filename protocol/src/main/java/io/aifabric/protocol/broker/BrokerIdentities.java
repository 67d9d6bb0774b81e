package io.aifabric.protocol.broker;

import io.aifabric.protocol.EthAddress;

/**
 * The usernames the network's broker knows (a client certificate's CN), and what its ACL lets each
 * do (config/mosquitto/aifabric.acl is the ACL itself):
 *
 * <ul>
 *   <li>a node: its address, lowercase hex as in topics; it may publish only its own heartbeats,
 *       hardware report and receipts, and read nothing;
 *   <li>{@link #OPERATOR}: reads heartbeats, hardware reports and receipts; publishes nothing;
 *   <li>{@link #ORACLE}: reads receipts; publishes nothing;
 *   <li>{@link #RELAYER}: reads receipts, and clears settled ones (empty retained messages).
 * </ul>
 */
public final class BrokerIdentities {
  public static final String OPERATOR = "aifabric-operator";
  public static final String ORACLE = "aifabric-oracle";
  public static final String RELAYER = "aifabric-relayer";

  private BrokerIdentities() {}

  /** A node's username: exactly the topic segment its messages go under. */
  public static String node(EthAddress address) {
    return address.toString();
  }
}
