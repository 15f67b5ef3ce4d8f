package dev.parley.chat.server.internal;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.server.DependencyStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What the server's stages record: the one place Micrometer is reached from, so that a server
 * without Micrometer on its class path loads no Micrometer class. {@link #NONE} records nothing;
 * {@link #create} returns the Micrometer implementation only when Micrometer is present and a
 * registry was given or the global registry is wanted. Implementations are thread-safe and never
 * block: every stage calls them on its own thread (transport, worker, store).
 *
 * <p>The meters are listed in {@code docs/metrics.md}; their tags take bounded values only.
 */
interface ServerMetrics {
  /** How a Connect handshake ended. */
  enum Handshake {
    ACCEPTED,
    AUTHENTICATION_FAILED,
    AUTHENTICATION_UNAVAILABLE,
    UNSUPPORTED_VERSION,
    CONNECT_TIMEOUT,
    REFUSED_STOPPING,
    TOO_MANY_CONNECTIONS
  }

  /** What the store's append answered. */
  enum Append {
    STORED,
    DUPLICATE,
    FAILED
  }

  /** Which kind of application hook ran. */
  enum HookKind {
    BEFORE_STORE,
    AFTER_STORE,
    SESSION_LISTENER
  }

  /** How a hook call ended. */
  enum HookOutcome {
    OK,
    ERROR,
    TIMEOUT
  }

  /** What the gauges read when they are scraped; implemented by the server. */
  interface Gauges {
    /** Transport connections open. */
    int connectionsOpen();

    /** Bytes queued for clients and not yet written, over all connections. */
    long outboundQueuedBytes();

    /** The largest one connection's queued bytes. */
    long largestOutboundQueuedBytes();

    /** Rooms loaded on this node. */
    int roomsLoaded();

    /** Whether the server is draining. */
    boolean draining();

    /**
     * The state of each of the server's circuit breakers (the store's, and on a node of a cluster
     * the bus's); the same breakers on every call.
     */
    default List<DependencyStatus> breakers() {
      return List.of();
    }

    /** Events waiting in the event outbox, as last measured; 0 without events. */
    default long eventOutboxEvents() {
      return 0;
    }

    /** The event outbox's bound; 0 without events. */
    default long eventOutboxMaxEvents() {
      return 0;
    }

    /** Seconds the oldest event in the outbox has waited; 0 when none waits. */
    default double eventOutboxOldestSeconds() {
      return 0;
    }

    /** 1 while this node relays events from the outbox, else 0. */
    default int eventRelayLeader() {
      return 0;
    }
  }

  /** Why a circuit breaker refused a call without making it. */
  enum Refusal {
    /** The breaker is open, or half-open with its probes all out. */
    OPEN,
    /** Too many calls were already waiting for the dependency. */
    OVERLOADED
  }

  /** Records nothing. */
  ServerMetrics NONE = new ServerMetrics() {};

  /**
   * Stands for {@code Metrics.globalRegistry} in the settings, without naming a Micrometer type:
   * the builder's default.
   */
  Object GLOBAL_REGISTRY =
      new Object() {
        @Override
        public String toString() {
          return "Metrics.globalRegistry (when Micrometer is on the class path)";
        }
      };

  /**
   * The metrics of one server.
   *
   * @param registry a Micrometer {@code MeterRegistry}, {@link #GLOBAL_REGISTRY}, or {@code null}
   *     for none
   * @param clock the server's clock, which stamps messages
   */
  static ServerMetrics create(Object registry, Clock clock) {
    if (registry == null) {
      return NONE;
    }
    if (registry == GLOBAL_REGISTRY) {
      return MicrometerPresence.AVAILABLE ? MicrometerServerMetrics.global(clock) : NONE;
    }
    return MicrometerServerMetrics.of(registry, clock);
  }

  /** A start time for a timed stage, from the registry's monotonic clock; 0 without metrics. */
  default long start() {
    return 0;
  }

  /** Starts reading the gauges from {@code gauges}, until {@link #close()}. */
  default void bind(Gauges gauges) {}

  /** Stops reading this server's gauges. Counters and timers stay registered (they only grow). */
  default void close() {}

  default void handshake(Handshake outcome) {}

  /** A connection closed with this close code. */
  default void connectionClosed(int code) {}

  default void frameIn(boolean json, long bytes) {}

  /** {@code frames} frames of {@code bytes} bytes in all were queued for writing. */
  default void framesOut(boolean json, long frames, long bytes) {}

  /** A SendAck was queued for a Send handled at {@code start}. */
  default void sendAcked(long start) {}

  /** A message stamped at {@code stamped} was queued for {@code recipients} members. */
  default void delivered(Instant stamped, int recipients) {}

  default void slowConsumerClosed() {}

  default void errorSent(ErrorCode code) {}

  /** A request over the rate limit: refused, or ({@code closed}) the connection closed. */
  default void rateLimited(boolean closed) {}

  /** A Connect resumed rooms: {@code rejoined} were, {@code rejected} were not. */
  default void resumed(int rejoined, int rejected) {}

  default void historyRead(long start, boolean ok) {}

  default void storeAppend(long start, Append outcome) {}

  /** A message from another node, stamped at {@code stamped}, arrived over the bus. */
  default void busReceived(Instant stamped) {}

  default void busResync() {}

  default void catchUpRead() {}

  /**
   * The breaker of dependency {@code dependency} ({@code "store"}, {@code "bus"}) refused a call.
   */
  default void breakerRefused(String dependency, Refusal reason) {}

  default void hook(HookKind kind, HookOutcome outcome, long start) {}

  /** The relay published {@code events} events that the sink confirmed. */
  default void eventsRelayed(int events) {}

  /** A batch of events failed to publish (it is published again). */
  default void eventPublishFailed() {}

  /** {@code events} events were not written: the outbox was full, or writing failed. */
  default void eventsDropped(int events) {}
}
