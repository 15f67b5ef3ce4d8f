package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.EndpointsRankedEvent;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.InvitedEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.PresenceEvent;
import dev.parley.chat.client.ReadReceiptEvent;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.client.TokenFailedEvent;
import dev.parley.chat.client.TokenRefreshedEvent;
import dev.parley.chat.client.TokenRequest;
import dev.parley.chat.client.TypingEvent;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a session tells the application: listener events, and the completion of the futures it
 * returned. The engine calls these methods while holding the session's lock; none of them runs
 * application code on the calling thread.
 *
 * <ul>
 *   <li>Listener events go into the session's {@link CallbackQueue} in the order the engine decided
 *       them, and run one at a time on the callback executor. After {@link #closed} no event is
 *       accepted.
 *   <li>Future completions, and other work that must not run under the lock (such as opening a
 *       transport connection), are deferred: {@link #takeDeferred()} hands them to the caller,
 *       which runs {@link #dispatch} once it has released the lock. Completions made in one locked
 *       section complete in order, in one task on the callback executor, so that continuations
 *       never run on a transport or timer thread.
 * </ul>
 */
final class SessionEvents {
  private static final Logger log = LoggerFactory.getLogger(SessionEvents.class);

  private final ChatSession session;
  private final ChatListener listener;
  private final CallbackQueue callbacks;
  private final Executor completionExecutor;
  private List<Runnable> completions = new ArrayList<>();
  private List<Runnable> afterUnlock = new ArrayList<>();
  private boolean closed;

  SessionEvents(ChatSession session, ChatListener listener, Executor callbackExecutor) {
    this.session = session;
    this.listener = listener;
    this.callbacks = new CallbackQueue(callbackExecutor);
    this.completionExecutor = callbackExecutor;
  }

  void stateChanged(ChatSession.State previous, ChatSession.State current, String reason) {
    StateChangeEvent event = new StateChangeEvent(previous, current, reason);
    enqueue(l -> l.onStateChanged(session, event));
  }

  void endpointsRanked(List<EndpointProbe> probes, List<URI> order) {
    EndpointsRankedEvent event = new EndpointsRankedEvent(probes, order);
    enqueue(l -> l.onEndpointsRanked(session, event));
  }

  void message(ChatMessage message) {
    MessageEvent event = new MessageEvent(message);
    enqueue(l -> l.onMessage(session, event));
  }

  void gap(RoomId room, long fromSeq, long toSeq) {
    HistoryGapEvent event = new HistoryGapEvent(room, fromSeq, toSeq);
    enqueue(l -> l.onHistoryGap(session, event));
  }

  void typing(RoomId room, UserId user, boolean active) {
    TypingEvent event = new TypingEvent(room, user, active);
    enqueue(l -> l.onTyping(session, event));
  }

  void readReceipt(RoomId room, UserId user, long seq) {
    ReadReceiptEvent event = new ReadReceiptEvent(room, user, seq);
    enqueue(l -> l.onReadReceipt(session, event));
  }

  void presence(RoomId room, UserId user, boolean online) {
    PresenceEvent event = new PresenceEvent(room, user, online);
    enqueue(l -> l.onPresence(session, event));
  }

  void removedFromRoom(RoomId room, String reason) {
    RoomRemovedEvent event = new RoomRemovedEvent(room, reason);
    enqueue(l -> l.onRemovedFromRoom(session, event));
  }

  void invited(InvitedEvent event) {
    enqueue(l -> l.onInvited(session, event));
  }

  void error(ChatException error) {
    ErrorEvent event = new ErrorEvent(error);
    enqueue(l -> l.onError(session, event));
  }

  void tokenRefreshed(Instant expiresAt) {
    TokenRefreshedEvent event = new TokenRefreshedEvent(expiresAt);
    enqueue(l -> l.onTokenRefreshed(session, event));
  }

  void tokenFailed(TokenRequest.Reason reason, Throwable cause, boolean retrying) {
    TokenFailedEvent event = new TokenFailedEvent(reason, cause, retrying);
    enqueue(l -> l.onTokenFailed(session, event));
  }

  /** The terminal event; nothing is accepted after it. */
  void closed(int code, String reason) {
    ClosedEvent event = new ClosedEvent(code, reason);
    enqueue(l -> l.onClosed(session, event));
    closed = true;
  }

  /** Listener calls not run yet: how far the application is behind. */
  int backlog() {
    return callbacks.size();
  }

  <T> void complete(CompletableFuture<T> future, T value) {
    completions.add(() -> future.complete(value));
  }

  void fail(CompletableFuture<?> future, Throwable failure) {
    if (future != null) {
      completions.add(() -> future.completeExceptionally(failure));
    }
  }

  /** Runs {@code work} on the calling thread once the session's lock is released. */
  void afterUnlock(Runnable work) {
    afterUnlock.add(work);
  }

  /** Hands over the deferred work; call with the lock held, then {@link #dispatch} without it. */
  Deferred takeDeferred() {
    if (completions.isEmpty() && afterUnlock.isEmpty()) {
      return Deferred.NONE;
    }
    Deferred deferred = new Deferred(completions, afterUnlock);
    completions = new ArrayList<>();
    afterUnlock = new ArrayList<>();
    return deferred;
  }

  /** Runs deferred work and schedules listener calls. Call without holding the session's lock. */
  void dispatch(Deferred deferred) {
    for (Runnable work : deferred.afterUnlock) {
      try {
        work.run();
      } catch (RuntimeException e) {
        log.error("deferred session work failed", e);
      }
    }
    if (!deferred.completions.isEmpty()) {
      Runnable completeAll = () -> deferred.completions.forEach(Runnable::run);
      try {
        completionExecutor.execute(completeAll);
      } catch (RejectedExecutionException e) {
        completeAll.run(); // the client is shutting down: complete here rather than never
      }
    }
    callbacks.flush();
  }

  private void enqueue(Consumer<ChatListener> call) {
    if (closed) {
      return;
    }
    callbacks.enqueue(() -> call.accept(listener));
  }

  /** Work collected under the lock. */
  record Deferred(List<Runnable> completions, List<Runnable> afterUnlock) {
    static final Deferred NONE = new Deferred(List.of(), List.of());
  }
}
