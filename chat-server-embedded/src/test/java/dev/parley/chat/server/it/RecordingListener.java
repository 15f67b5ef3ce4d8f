package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * Records every event a session's listener receives, and checks the listener contract as it goes:
 * callbacks never overlap, and nothing follows onClosed.
 */
class RecordingListener implements ChatListener {
  private final Map<RoomId, List<ChatMessage>> messages = new ConcurrentHashMap<>();
  final List<PresenceEvent> presence = new CopyOnWriteArrayList<>();
  final List<TypingEvent> typing = new CopyOnWriteArrayList<>();
  final List<ReadReceiptEvent> receipts = new CopyOnWriteArrayList<>();
  final List<HistoryGapEvent> gaps = new CopyOnWriteArrayList<>();
  final List<ErrorEvent> errors = new CopyOnWriteArrayList<>();
  final List<Removal> removals = new CopyOnWriteArrayList<>();
  final List<StateChangeEvent> states = new CopyOnWriteArrayList<>();
  final List<TokenRefreshedEvent> tokenRefreshes = new CopyOnWriteArrayList<>();
  final List<TokenFailedEvent> tokenFailures = new CopyOnWriteArrayList<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  volatile ClosedEvent closed;
  private final AtomicInteger inCallback = new AtomicInteger();

  private void enter() {
    if (inCallback.incrementAndGet() != 1) {
      violations.add("overlapping callbacks on " + Thread.currentThread().getName());
    }
    if (closed != null) {
      violations.add("callback after onClosed");
    }
  }

  private void exit() {
    inCallback.decrementAndGet();
  }

  @Override
  public void onMessage(ChatSession session, MessageEvent event) {
    enter();
    try {
      messages
          .computeIfAbsent(event.message().room(), r -> new CopyOnWriteArrayList<>())
          .add(event.message());
    } finally {
      exit();
    }
  }

  @Override
  public void onPresence(ChatSession session, PresenceEvent event) {
    enter();
    presence.add(event);
    exit();
  }

  @Override
  public void onTyping(ChatSession session, TypingEvent event) {
    enter();
    typing.add(event);
    exit();
  }

  @Override
  public void onReadReceipt(ChatSession session, ReadReceiptEvent event) {
    enter();
    receipts.add(event);
    exit();
  }

  @Override
  public void onHistoryGap(ChatSession session, HistoryGapEvent event) {
    enter();
    gaps.add(event);
    exit();
  }

  @Override
  public void onRemovedFromRoom(ChatSession session, RoomRemovedEvent event) {
    enter();
    removals.add(
        new Removal(event, Thread.currentThread().getName(), messages(event.room()).size()));
    exit();
  }

  @Override
  public void onError(ChatSession session, ErrorEvent event) {
    enter();
    errors.add(event);
    exit();
  }

  @Override
  public void onTokenRefreshed(ChatSession session, TokenRefreshedEvent event) {
    enter();
    tokenRefreshes.add(event);
    exit();
  }

  @Override
  public void onTokenFailed(ChatSession session, TokenFailedEvent event) {
    enter();
    tokenFailures.add(event);
    exit();
  }

  @Override
  public void onStateChanged(ChatSession session, StateChangeEvent event) {
    enter();
    states.add(event);
    exit();
  }

  @Override
  public void onClosed(ChatSession session, ClosedEvent event) {
    enter();
    exit();
    closed = event;
  }

  List<ChatMessage> messages(RoomId room) {
    return new ArrayList<>(messages.getOrDefault(room, List.of()));
  }

  /** Waits until {@code count} messages of {@code room} arrived. */
  List<ChatMessage> awaitMessages(RoomId room, int count, Duration timeout) {
    await(
        () -> messages(room).size() >= count,
        timeout,
        () -> "messages in " + room + ": " + messages(room).size() + "/" + count);
    return messages(room);
  }

  /**
   * Waits with Awaitility until {@code condition} holds; on timeout the failure names {@code what},
   * evaluated at the last check.
   */
  static void await(
      BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
    Awaitility.await()
        .atMost(timeout)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .untilAsserted(() -> assertThat(condition.getAsBoolean()).as(what).isTrue());
  }

  /**
   * One {@code onRemovedFromRoom} call: the event, the thread it ran on, and how many messages of
   * the room the listener had seen before it.
   */
  record Removal(RoomRemovedEvent event, String thread, int messagesBefore) {}

  void assertContractKept() {
    assertThat(violations).as("listener contract violations").isEmpty();
  }
}
