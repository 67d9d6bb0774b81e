package io.aifabric.e2e;

import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.MosquittoBroker;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Many node agents at once, as a large member presents them to the operator: that many KWOK GPU
 * Nodes in a member cluster, each carrying its agent's signed registration, and per node an MQTT
 * connection of its own to the network's broker, sending signed heartbeats at the agents' interval
 * (spread over the interval, as independently started agents are). The agents share the test's
 * event loops; the broker, the member's API server and the operator see a real fleet.
 */
final class AgentFleet implements AutoCloseable {
  static final String FLEET_LABEL = "aifabric.test/fleet";

  private final KubernetesClient member;
  private final String cluster;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final List<String> nodes = new ArrayList<>();
  private final List<SimulatedAgent> agents = new ArrayList<>();
  private final AtomicLongArray firstBeatMillis;
  private final AtomicLongArray silenced;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private boolean closed;

  private AgentFleet(KubernetesClient member, String cluster, int size) {
    this.member = member;
    this.cluster = cluster;
    this.firstBeatMillis = new AtomicLongArray(size);
    this.silenced = new AtomicLongArray(size);
  }

  /**
   * Creates the fleet's Nodes (an L4 each, a model no test job asks for) with their agents'
   * registrations, and connects every agent to the broker.
   */
  static AgentFleet start(TestBed bed, String cluster, int size, MosquittoBroker broker)
      throws Exception {
    AgentFleet fleet = new AgentFleet(bed.client(cluster), cluster, size);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<SimulatedAgent>> connected = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        String node = String.format("fleet-l4-%04d", i);
        fleet.nodes.add(node);
        connected.add(pool.submit(fleet.agentFor(node, broker)));
      }
      for (Future<SimulatedAgent> agent : connected) {
        fleet.agents.add(agent.get(2, TimeUnit.MINUTES));
      }
    } catch (Exception e) {
      fleet.close();
      throw e;
    } finally {
      pool.shutdown();
    }
    return fleet;
  }

  private Callable<SimulatedAgent> agentFor(String node, MosquittoBroker broker) {
    return () -> {
      SimulatedAgent agent =
          new SimulatedAgent(vertx, broker, NodeKey.generate(new SecureRandom()));
      member.nodes().resource(gpuNode(node, agent.registration(cluster, node))).create();
      return agent;
    };
  }

  private static Node gpuNode(String name, String registration) {
    return KwokGpuNode.builder(name, "NVIDIA-L4", 1, 23034)
        .editMetadata()
        .addToLabels(FLEET_LABEL, "true")
        .addToLabels("nvidia.com/gpu.family", "ada-lovelace")
        .addToAnnotations(RegistrationCodec.ANNOTATION, registration)
        .endMetadata()
        .build();
  }

  List<String> nodes() {
    return nodes;
  }

  int size() {
    return nodes.size();
  }

  /**
   * Every agent starts sending a heartbeat every interval, its first at a random point of the first
   * interval.
   */
  void beatEvery(Duration interval) {
    for (int i = 0; i < agents.size(); i++) {
      int index = i;
      SimulatedAgent agent = agents.get(i);
      long offset = 1 + ThreadLocalRandom.current().nextLong(interval.toMillis());
      vertx.setTimer(
          offset,
          t -> {
            beat(index, agent);
            vertx.setPeriodic(interval.toMillis(), p -> beat(index, agent));
          });
    }
  }

  private void beat(int index, SimulatedAgent agent) {
    if (silenced.get(index) != 0) {
      return;
    }
    firstBeatMillis.compareAndSet(index, 0, System.currentTimeMillis());
    agent.beat().onSuccess(id -> sent.incrementAndGet()).onFailure(e -> failed.incrementAndGet());
  }

  /** When the node's agent sent its first heartbeat (epoch millis), 0 if it has not. */
  long firstBeatMillis(int index) {
    return firstBeatMillis.get(index);
  }

  long heartbeatsSent() {
    return sent.get();
  }

  long heartbeatsFailed() {
    return failed.get();
  }

  /** The agents of these nodes (by index) stop sending heartbeats; their connections stay. */
  void silence(List<Integer> indexes) {
    indexes.forEach(i -> silenced.set(i, 1));
  }

  /** Disconnects every agent and deletes the fleet's Nodes. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < silenced.length(); i++) {
      silenced.set(i, 1);
    }
    agents.forEach(SimulatedAgent::close);
    // One by one, in parallel: a collection delete of a thousand Nodes outlasts a request timeout.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    nodes.forEach(node -> pool.submit(() -> member.nodes().withName(node).delete()));
    pool.shutdown();
    try {
      pool.awaitTermination(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    vertx.close();
  }
}
