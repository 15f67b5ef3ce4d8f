package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.server.ChatServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the auto-configured {@link ChatServer} with the application context: {@link #start()} when
 * the context is refreshed (after every other bean is ready), and on shutdown a {@linkplain
 * ChatServer#drain(Duration) drain}: the server stops taking connections, every client gets {@code
 * GoAway} and reconnects elsewhere, and once they have left, or the drain timeout has passed, the
 * server closes with close code 1001 for whoever remains.
 *
 * <p>States: {@code NEW} → {@code RUNNING} → {@code DRAINING} → {@code STOPPED}. A stopped server
 * cannot start again (a {@code ChatServer} is started once), so stopping and restarting the context
 * without refreshing it is not supported and fails with {@link IllegalStateException}.
 *
 * <p>Thread-safe. {@link #stop(Runnable)} does not block: the drain runs on the server's own timer,
 * so the context's shutdown can go on with other phases in parallel and is never blocked for longer
 * than Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}; the callback Spring passes
 * runs on the server's thread that closes it, once it has closed.
 */
public final class ParleyServerLifecycle implements SmartLifecycle {
  /** The lifecycle's states; see the type's description. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** Started: serving clients. */
    RUNNING,
    /** Stopping: clients were told to leave; the server closes when they have or at the timeout. */
    DRAINING,
    /** Closed for good. */
    STOPPED
  }

  private static final Logger log = LoggerFactory.getLogger(ParleyServerLifecycle.class);

  private final ChatServer server;
  private final Duration drainTimeout;
  private volatile State state = State.NEW;

  /**
   * @param server the server to run
   * @param drainTimeout longest wait for clients to leave on shutdown
   */
  public ParleyServerLifecycle(ChatServer server, Duration drainTimeout) {
    this.server = Objects.requireNonNull(server, "server");
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "parley.shutdown.drain-timeout must not be negative, was " + drainTimeout);
    }
  }

  @Override
  public synchronized void start() {
    switch (state) {
      case RUNNING, DRAINING -> {
        return;
      }
      case STOPPED ->
          throw new IllegalStateException(
              "the Parley ChatServer was stopped and cannot start again; refresh a new"
                  + " application context instead of restarting this one");
      case NEW -> {
        try {
          server.start();
        } catch (IOException e) {
          throw new UncheckedIOException(e.getMessage(), e);
        }
        state = State.RUNNING;
      }
    }
  }

  /** Drains the server and waits until it has closed; see the type's description. */
  @Override
  public void stop() {
    if (beginDrain()) {
      drain().join();
    }
  }

  /** Starts draining the server and returns; {@code callback} runs once the server has closed. */
  @Override
  public void stop(Runnable callback) {
    if (!beginDrain()) {
      callback.run();
      return;
    }
    drain().whenComplete((ignored, failure) -> callback.run());
  }

  private synchronized boolean beginDrain() {
    if (state != State.RUNNING) {
      return false;
    }
    state = State.DRAINING;
    return true;
  }

  private CompletableFuture<Void> drain() {
    log.info(
        "Draining the Parley server: {} sessions, waiting up to {} for them to leave",
        server.sessionCount(),
        drainTimeout);
    return server.drain(drainTimeout).whenComplete((ignored, failure) -> state = State.STOPPED);
  }

  @Override
  public boolean isRunning() {
    State now = state;
    return now == State.RUNNING || now == State.DRAINING;
  }

  /** Runs last on startup and stops first on shutdown, while the rest of the application works. */
  @Override
  public int getPhase() {
    return DEFAULT_PHASE;
  }

  /** The current state. */
  public State state() {
    return state;
  }

  /** The server this lifecycle runs. */
  public ChatServer server() {
    return server;
  }
}
