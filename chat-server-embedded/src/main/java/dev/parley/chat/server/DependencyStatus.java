package dev.parley.chat.server;

import java.util.Objects;

/**
 * Where one of the server's dependencies stands, as its circuit breaker sees it: what {@link
 * ChatServer#dependencies()} reports and {@code /readyz} follows. Immutable and thread-safe.
 *
 * @param name the dependency: {@code "store"} (the message store) or {@code "bus"} (the cluster
 *     bus, on a node of a cluster)
 * @param state its breaker's state
 */
public record DependencyStatus(String name, State state) {
  /** Checks the fields. */
  public DependencyStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
  }

  /** Whether the server sends it traffic: its breaker is closed or letting probes through. */
  public boolean available() {
    return state == State.CLOSED || state == State.HALF_OPEN;
  }

  /**
   * A breaker's state. Lifecycle: {@code STARTING} (a cluster bus whose broker was unreachable at
   * start; retried in the background) → {@code CLOSED} ⇄ {@code OPEN} (too many calls failed or
   * timed out: calls are refused at once with a retry-after) → {@code HALF_OPEN} (after the open
   * duration: probes decide) → {@code CLOSED} or {@code OPEN} again.
   */
  public enum State {
    /** Not started yet: the server is still trying to reach it. */
    STARTING,
    /** Calls go through. */
    CLOSED,
    /** Calls are refused at once, with a retry-after. */
    OPEN,
    /** A few probe calls go through; their outcome closes or opens the breaker. */
    HALF_OPEN
  }
}
