package dev.parley.chat.store.jdbc.it;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClosedEvent;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.StateChangeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one member's session delivered to its application: every message of every room, in the order
 * it arrived, plus the gaps and errors it reported and how often it was welcomed. Thread-safe: the
 * session calls it one event at a time, the test reads it from its own thread.
 */
public final class MemberLog implements ChatListener {
  private final String user;
  private final Map<RoomId, List<ChatMessage>> messages = new ConcurrentHashMap<>();
  private final List<HistoryGapEvent> gaps = new CopyOnWriteArrayList<>();
  private final List<ErrorEvent> errors = new CopyOnWriteArrayList<>();
  private final AtomicInteger welcomes = new AtomicInteger();
  private volatile ClosedEvent closed;

  public MemberLog(String user) {
    this.user = user;
  }

  public String user() {
    return user;
  }

  @Override
  public void onMessage(ChatSession session, MessageEvent event) {
    messages
        .computeIfAbsent(event.message().room(), r -> new CopyOnWriteArrayList<>())
        .add(event.message());
  }

  @Override
  public void onHistoryGap(ChatSession session, HistoryGapEvent event) {
    gaps.add(event);
  }

  @Override
  public void onError(ChatSession session, ErrorEvent event) {
    errors.add(event);
  }

  @Override
  public void onStateChanged(ChatSession session, StateChangeEvent event) {
    if (event.current() == ChatSession.State.CONNECTED) {
      welcomes.incrementAndGet();
    }
  }

  @Override
  public void onClosed(ChatSession session, ClosedEvent event) {
    closed = event;
  }

  /** The messages of {@code room} delivered so far, in delivery order. */
  public List<ChatMessage> messages(RoomId room) {
    return new ArrayList<>(messages.getOrDefault(room, List.of()));
  }

  /** The seq of the last message of {@code room} delivered, 0 before any. */
  public long lastSeq(RoomId room) {
    List<ChatMessage> got = messages.getOrDefault(room, List.of());
    return got.isEmpty() ? 0 : got.get(got.size() - 1).seq();
  }

  public List<HistoryGapEvent> gaps() {
    return List.copyOf(gaps);
  }

  public List<ErrorEvent> errors() {
    return List.copyOf(errors);
  }

  /** How many times the session was welcomed: its first connection and every resume. */
  public int welcomes() {
    return welcomes.get();
  }

  /** How the session ended unexpectedly, or {@code null}. */
  public ClosedEvent closed() {
    return closed;
  }
}
