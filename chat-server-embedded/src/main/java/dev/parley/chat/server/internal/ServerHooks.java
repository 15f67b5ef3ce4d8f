package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.server.AfterStoreEvent;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.MembershipEvent;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.SessionEvent;
import dev.parley.chat.server.SessionListener;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's hooks, attached to the stages: before-store screening (through {@link
 * BeforeStoreScreening}), after-store calls, and session and membership events. Calls that follow
 * an event run on the worker executor, on serial lanes (per room for after-store, per session for
 * the others), after the event: they never delay delivery. Thread-safe.
 */
final class ServerHooks {
  private static final Logger log = LoggerFactory.getLogger(ServerHooks.class);

  /** Calls that may wait per lane; further ones are dropped and logged. */
  static final int MAX_QUEUED_CALLS = 1_000;

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  /** The hooks as the builder collected them. Immutable. */
  record Config(
      List<MessageHook> messageHooks, List<SessionListener> sessionListeners, Duration timeout) {
    static final Config NONE =
        new Config(List.of(), List.of(), ChatServerBuilder.DEFAULT_HOOK_TIMEOUT);

    Config {
      messageHooks = List.copyOf(messageHooks);
      sessionListeners = List.copyOf(sessionListeners);
    }

    static Config of(ServerSettings settings) {
      return new Config(
          settings.messageHooks(), settings.sessionListeners(), settings.hookTimeout());
    }
  }

  private final Config config;
  private final BeforeStoreScreening screening;
  private final SerialLanes<RoomId> afterStoreLanes;
  private final SerialLanes<String> sessionLanes;

  /** Sessions announced as connected and not yet as disconnected. */
  private final Set<String> connected = ConcurrentHashMap.newKeySet();

  private final ServerMetrics metrics;

  ServerHooks(
      Config config, Executor workers, ScheduledExecutorService timer, ServerMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.screening =
        new BeforeStoreScreening(config.messageHooks(), config.timeout(), workers, timer, metrics);
    this.afterStoreLanes = new SerialLanes<>(workers, MAX_QUEUED_CALLS);
    this.sessionLanes = new SerialLanes<>(workers, MAX_QUEUED_CALLS);
  }

  BeforeStoreScreening screening() {
    return screening;
  }

  /** A new message was stored and delivered (not a duplicate). */
  void afterStore(ChatMessage message, String sessionId) {
    if (config.messageHooks().isEmpty()) {
      return;
    }
    AfterStoreEvent event = new AfterStoreEvent(message, sessionId);
    call(
        afterStoreLanes,
        message.room(),
        "afterStore",
        () -> {
          long start = metrics.start();
          ServerMetrics.HookOutcome outcome = ServerMetrics.HookOutcome.OK;
          for (MessageHook hook : config.messageHooks()) {
            try {
              hook.afterStore(event);
            } catch (RuntimeException e) {
              outcome = ServerMetrics.HookOutcome.ERROR;
              log.warn("a message hook failed after storing {}", message.id(), e);
            }
          }
          metrics.hook(ServerMetrics.HookKind.AFTER_STORE, outcome, start);
        });
  }

  /** A session was welcomed: announces it, then the rooms it resumed. */
  void connected(ServerSession session) {
    if (config.sessionListeners().isEmpty() || session.user() == null) {
      return;
    }
    connected.add(session.id());
    SessionEvent event = new SessionEvent(session.id(), session.user());
    List<RoomId> rooms = List.copyOf(session.rooms().keySet());
    toListeners(session, "onConnected", listener -> listener.onConnected(event));
    for (RoomId room : rooms) {
      joined(session, room);
    }
  }

  /** A welcomed session is gone; called after its rooms' {@link #left} calls. */
  void disconnected(ServerSession session) {
    if (config.sessionListeners().isEmpty() || !connected.remove(session.id())) {
      return;
    }
    SessionEvent event = new SessionEvent(session.id(), session.user());
    toListeners(session, "onDisconnected", listener -> listener.onDisconnected(event));
  }

  void joined(ServerSession session, RoomId room) {
    if (config.sessionListeners().isEmpty() || !connected.contains(session.id())) {
      return;
    }
    MembershipEvent event = new MembershipEvent(session.id(), session.user(), room);
    toListeners(session, "onJoined", listener -> listener.onJoined(event));
  }

  void left(ServerSession session, RoomId room) {
    if (config.sessionListeners().isEmpty() || !connected.contains(session.id())) {
      return;
    }
    MembershipEvent event = new MembershipEvent(session.id(), session.user(), room);
    toListeners(session, "onLeft", listener -> listener.onLeft(event));
  }

  private void toListeners(ServerSession session, String what, Consumer<SessionListener> call) {
    call(
        sessionLanes,
        session.id(),
        what,
        () -> {
          long start = metrics.start();
          ServerMetrics.HookOutcome outcome = ServerMetrics.HookOutcome.OK;
          for (SessionListener listener : config.sessionListeners()) {
            try {
              call.accept(listener);
            } catch (RuntimeException e) {
              outcome = ServerMetrics.HookOutcome.ERROR;
              log.warn("a session listener's {} failed for {}", what, session, e);
            }
          }
          metrics.hook(ServerMetrics.HookKind.SESSION_LISTENER, outcome, start);
        });
  }

  private static <K> void call(SerialLanes<K> lanes, K key, String what, Runnable work) {
    boolean queued =
        lanes.submit(
            key,
            new SerialLanes.Task() {
              @Override
              public CompletionStage<?> run() {
                work.run();
                return DONE;
              }

              @Override
              public void abandoned() {
                log.debug("{} for {} dropped: the server is stopping", what, key);
              }
            });
    if (!queued) {
      log.warn("{} for {} dropped: {} calls are already waiting", what, key, MAX_QUEUED_CALLS);
    }
  }
}
