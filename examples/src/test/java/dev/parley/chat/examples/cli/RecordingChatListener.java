package dev.parley.chat.examples.cli;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.TypingEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the messages and typing signals a test's own session receives, in arrival order.
 * Thread-safe; the client's callback thread records.
 */
final class RecordingChatListener implements ChatListener {
  private final List<Object> events = new CopyOnWriteArrayList<>();

  @Override
  public void onMessage(ChatSession session, MessageEvent event) {
    events.add(event.message());
  }

  @Override
  public void onTyping(ChatSession session, TypingEvent event) {
    events.add(event);
  }

  /** The texts of the messages received, in order. */
  List<String> texts() {
    return events.stream()
        .filter(ChatMessage.class::isInstance)
        .map(e -> ((ChatMessage) e).text())
        .toList();
  }

  /** The messages received, in order. */
  List<ChatMessage> messages() {
    return events.stream()
        .filter(ChatMessage.class::isInstance)
        .map(ChatMessage.class::cast)
        .toList();
  }

  /** Every message and typing signal, in arrival order. */
  List<Object> events() {
    return List.copyOf(events);
  }
}
