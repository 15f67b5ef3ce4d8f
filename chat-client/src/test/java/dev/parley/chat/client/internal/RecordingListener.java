package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.PresenceEvent;
import dev.parley.chat.client.ReadReceiptEvent;
import dev.parley.chat.client.RoomRemovedEvent;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.client.TokenFailedEvent;
import dev.parley.chat.client.TokenRefreshedEvent;
import dev.parley.chat.client.TypingEvent;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records a session's events in order (OkHttp's WebSocketRecorder style) and checks the listener
 * contract as it goes: no two callbacks at once, nothing after onClosed. Tests take events with
 * {@link #next} and end with {@link #assertExhausted()}.
 */
class RecordingListener implements ChatListener {
  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger inCallback = new AtomicInteger();
  private volatile boolean closed;

  private void record(Object event) {
    if (inCallback.incrementAndGet() != 1) {
      violations.add("overlapping callbacks on " + Thread.currentThread().getName());
    }
    if (closed) {
      violations.add("callback after onClosed: " + event);
    }
    try {
      onEvent(event);
      events.add(event);
    } finally {
      inCallback.decrementAndGet();
    }
  }

  /** A hook for tests that need to act or dawdle inside a callback. */
  void onEvent(Object event) {}

  @Override
  public void onStateChanged(ChatSession session, StateChangeEvent event) {
    record(event);
  }

  @Override
  public void onMessage(ChatSession session, MessageEvent event) {
    record(event);
  }

  @Override
  public void onTyping(ChatSession session, TypingEvent event) {
    record(event);
  }

  @Override
  public void onReadReceipt(ChatSession session, ReadReceiptEvent event) {
    record(event);
  }

  @Override
  public void onPresence(ChatSession session, PresenceEvent event) {
    record(event);
  }

  @Override
  public void onHistoryGap(ChatSession session, HistoryGapEvent event) {
    record(event);
  }

  @Override
  public void onRemovedFromRoom(ChatSession session, RoomRemovedEvent event) {
    record(event);
  }

  @Override
  public void onTokenRefreshed(ChatSession session, TokenRefreshedEvent event) {
    record(event);
  }

  @Override
  public void onTokenFailed(ChatSession session, TokenFailedEvent event) {
    record(event);
  }

  @Override
  public void onError(ChatSession session, ErrorEvent event) {
    record(event);
  }

  @Override
  public void onClosed(ChatSession session, ClosedEvent event) {
    record(event);
    closed = true;
  }

  /** The next event, which must be of {@code type}; waits up to 5 s for it. */
  <T> T next(Class<T> type) {
    Object event;
    try {
      event = events.poll(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(event).as("next event, expecting a " + type.getSimpleName()).isInstanceOf(type);
    return type.cast(event);
  }

  StateChangeEvent nextState(ChatSession.State expected) {
    StateChangeEvent event = next(StateChangeEvent.class);
    assertThat(event.current()).as("state change %s", event).isEqualTo(expected);
    return event;
  }

  /** The next event must be the delivery of {@code seq} in {@code room}. */
  MessageEvent nextMessage(String room, long seq) {
    MessageEvent event = next(MessageEvent.class);
    assertThat(event.message().room().value()).isEqualTo(room);
    assertThat(event.message().seq()).as("delivered seq").isEqualTo(seq);
    return event;
  }

  /** Nothing more happened, and the contract held throughout. */
  void assertExhausted() {
    assertThat(events).as("unconsumed events").isEmpty();
    assertContractKept();
  }

  void assertContractKept() {
    assertThat(violations).as("listener contract violations").isEmpty();
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  List<Object> drain() {
    List<Object> all = new java.util.ArrayList<>();
    events.drainTo(all);
    return all;
  }
}
