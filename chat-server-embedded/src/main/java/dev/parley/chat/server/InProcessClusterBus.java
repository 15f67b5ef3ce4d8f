package dev.parley.chat.server;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ClusterBus} for server nodes that live in one JVM: tests, demos, and the single node a
 * server runs when no bus is configured. It loses nothing, so it never asks for a resync.
 *
 * <p>Nodes join a {@link Network}; each bus delivers the others' events on its own single thread,
 * in publish order. {@link #crash()} stops a node the way a killed process stops (no goodbye), so
 * the others drop it only when its lease runs out.
 *
 * <p>Thread-safe. Listener callbacks run on the bus's delivery thread ({@code parley-bus-<node>}).
 */
public final class InProcessClusterBus implements ClusterBus {
  /** Nodes that hear each other. Thread-safe. */
  public static final class Network {
    private final Duration leaseTime;
    private final Map<String, InProcessClusterBus> nodes = new HashMap<>();
    private ScheduledExecutorService leases;

    /** A network whose crashed nodes are dropped after {@code leaseTime}. */
    public Network(Duration leaseTime) {
      Objects.requireNonNull(leaseTime, "leaseTime");
      if (leaseTime.isNegative() || leaseTime.isZero()) {
        throw new IllegalArgumentException("leaseTime must be positive, was " + leaseTime);
      }
      this.leaseTime = leaseTime;
    }

    /** A network with a lease time of 3 seconds. */
    public Network() {
      this(Duration.ofSeconds(3));
    }

    private synchronized void join(InProcessClusterBus bus) {
      if (nodes.putIfAbsent(bus.nodeId, bus) != null) {
        throw new IllegalStateException("node id " + bus.nodeId + " is already in the network");
      }
    }

    private synchronized void forEachOther(
        InProcessClusterBus from, Consumer<InProcessClusterBus> action) {
      for (InProcessClusterBus node : nodes.values()) {
        if (node != from) {
          action.accept(node);
        }
      }
    }

    private void leave(InProcessClusterBus bus, Duration after) {
      Runnable drop =
          () -> {
            synchronized (this) {
              if (!nodes.remove(bus.nodeId, bus)) {
                return;
              }
            }
            forEachOther(bus, node -> node.deliver(l -> l.onNodeDown(bus.nodeId)));
          };
      if (after.isZero()) {
        drop.run();
        return;
      }
      ScheduledExecutorService timer;
      synchronized (this) {
        if (leases == null) {
          // Only a crash needs a timer: one daemon thread per network, started on first use.
          leases =
              Executors.newSingleThreadScheduledExecutor(
                  runnable -> {
                    Thread thread = new Thread(runnable, "parley-bus-leases");
                    thread.setDaemon(true);
                    return thread;
                  });
        }
        timer = leases;
      }
      timer.schedule(drop, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized Set<RemotePresence> presence(InProcessClusterBus asking, RoomId room) {
      Set<RemotePresence> found = new HashSet<>();
      for (InProcessClusterBus node : nodes.values()) {
        if (node != asking) {
          for (UserId user : node.announced.getOrDefault(room, Set.of())) {
            found.add(new RemotePresence(node.nodeId, user));
          }
        }
      }
      return found;
    }
  }

  private final Network network;
  private final Map<RoomId, Set<UserId>> announced = new HashMap<>();
  private volatile String nodeId;
  private volatile Listener listener;
  private volatile ExecutorService delivery;
  private volatile boolean stopped;

  /** A bus on {@code network}; nothing happens until {@link #start}. */
  public InProcessClusterBus(Network network) {
    this.network = Objects.requireNonNull(network, "network");
  }

  @Override
  public synchronized void start(String nodeId, Listener listener) {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(listener, "listener");
    if (this.nodeId != null || stopped) {
      throw new IllegalStateException("a bus is started once");
    }
    this.nodeId = nodeId;
    this.listener = listener;
    this.delivery =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "parley-bus-" + nodeId);
              thread.setDaemon(true);
              return thread;
            });
    network.join(this);
  }

  @Override
  public void publishMessage(ChatMessage message) {
    Objects.requireNonNull(message, "message");
    if (live()) {
      network.forEachOther(this, node -> node.deliver(l -> l.onMessage(message)));
    }
  }

  @Override
  public void publishPresence(RoomId room, UserId user, boolean online) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    if (!live()) {
      return;
    }
    synchronized (network) {
      if (online) {
        announced.computeIfAbsent(room, r -> new HashSet<>()).add(user);
      } else {
        Set<UserId> users = announced.get(room);
        if (users != null && users.remove(user) && users.isEmpty()) {
          announced.remove(room);
        }
      }
      String from = nodeId;
      network.forEachOther(this, node -> node.deliver(l -> l.onPresence(from, room, user, online)));
    }
  }

  @Override
  public CompletableFuture<Set<RemotePresence>> presence(RoomId room) {
    Objects.requireNonNull(room, "room");
    return CompletableFuture.completedFuture(network.presence(this, room));
  }

  @Override
  public boolean isHealthy() {
    return live();
  }

  @Override
  public Duration leaseTime() {
    return network.leaseTime;
  }

  /** Stops this node as a killed process would: the others drop it when its lease runs out. */
  public void crash() {
    stop(network.leaseTime);
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  private void stop(Duration leaseLeft) {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    if (nodeId == null) {
      return;
    }
    if (leaseLeft.isZero()) {
      synchronized (network) {
        announced.clear();
      }
    }
    delivery.shutdownNow();
    network.leave(this, leaseLeft);
  }

  private boolean live() {
    return nodeId != null && !stopped;
  }

  private void deliver(Consumer<Listener> event) {
    if (stopped) {
      return;
    }
    try {
      delivery.execute(
          () -> {
            if (!stopped) {
              event.accept(listener);
            }
          });
    } catch (RejectedExecutionException e) {
      // Stopped meanwhile: a stopped node hears nothing.
    }
  }
}
