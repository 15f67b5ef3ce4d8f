package dev.parley.chat.testkit.cluster;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link ClusterBus.Listener} that records every call, the thread it came on, and whether calls
 * ever overlapped. Thread-safe: the bus calls it, tests read it from any thread.
 */
public final class RecordingClusterListener implements ClusterBus.Listener {
  /** One recorded call. */
  public sealed interface Event {
    /** The name of the thread the call came on. */
    String thread();
  }

  /**
   * {@link #onMessage}.
   *
   * @param message the message
   * @param thread the calling thread's name
   */
  public record Message(ChatMessage message, String thread) implements Event {}

  /**
   * {@link #onPresence}.
   *
   * @param nodeId the node
   * @param room the room
   * @param user the user
   * @param online online or offline
   * @param thread the calling thread's name
   */
  public record Presence(String nodeId, RoomId room, UserId user, boolean online, String thread)
      implements Event {}

  /**
   * {@link #onNodeDown}.
   *
   * @param nodeId the node
   * @param thread the calling thread's name
   */
  public record NodeDown(String nodeId, String thread) implements Event {}

  /**
   * {@link #onResync}.
   *
   * @param thread the calling thread's name
   */
  public record Resync(String thread) implements Event {}

  private final List<Event> events = new ArrayList<>();
  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final long dwellNanos;

  /** A listener that returns at once. */
  public RecordingClusterListener() {
    this(0);
  }

  /**
   * A listener that stays in each call about {@code dwellNanos}, so that overlapping calls would
   * overlap long enough to be seen.
   */
  public RecordingClusterListener(long dwellNanos) {
    this.dwellNanos = dwellNanos;
  }

  @Override
  public void onMessage(ChatMessage message) {
    record(new Message(message, Thread.currentThread().getName()));
  }

  @Override
  public void onPresence(String nodeId, RoomId room, UserId user, boolean online) {
    record(new Presence(nodeId, room, user, online, Thread.currentThread().getName()));
  }

  @Override
  public void onNodeDown(String nodeId) {
    record(new NodeDown(nodeId, Thread.currentThread().getName()));
  }

  @Override
  public void onResync() {
    record(new Resync(Thread.currentThread().getName()));
  }

  private void record(Event event) {
    int now = inside.incrementAndGet();
    mostAtOnce.accumulateAndGet(now, Math::max);
    try {
      if (dwellNanos > 0) {
        LockSupport.parkNanos(dwellNanos);
      }
      synchronized (events) {
        events.add(event);
      }
    } finally {
      inside.decrementAndGet();
    }
  }

  /** Every call so far, in order. */
  public List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The calls of one kind so far, in order. */
  public <T extends Event> List<T> events(Class<T> kind) {
    return events().stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The messages heard so far, in order. */
  public List<ChatMessage> messages() {
    return events(Message.class).stream().map(Message::message).toList();
  }

  /** The nodes reported down so far, in order, each as often as reported. */
  public List<String> nodesDown() {
    return events(NodeDown.class).stream().map(NodeDown::nodeId).toList();
  }

  /** How many times the bus asked to resync. */
  public int resyncs() {
    return events(Resync.class).size();
  }

  /** The most calls that were ever running at the same time. */
  public int mostCallsAtOnce() {
    return mostAtOnce.get();
  }

  /** The names of the threads calls came on. */
  public Set<String> threads() {
    Set<String> names = new LinkedHashSet<>();
    for (Event event : events()) {
      names.add(event.thread());
    }
    return names;
  }
}
