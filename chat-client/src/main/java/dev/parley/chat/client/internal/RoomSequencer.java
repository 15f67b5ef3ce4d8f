package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Decides, for one joined room, which message the listener sees next, so that it sees seqs in
 * increasing order, each once, with no gap that was not reported (docs/protocol.md, rule 7).
 *
 * <p>State: {@code lastDelivered}, the highest seq handed to the listener (or skipped past by a
 * reported gap); a {@code target}, the highest seq known to exist that must be read from history;
 * whether a FORWARD history page is being fetched; and a buffer of live messages that arrived ahead
 * of {@code lastDelivered + 1}.
 *
 * <ul>
 *   <li>A live message with seq {@code <= lastDelivered} is a duplicate and dropped. With seq
 *       {@code lastDelivered + 1} and no fetch running it is delivered at once. Anything else is
 *       buffered and, if no fetch is running, a fetch from {@code lastDelivered + 1} starts: a live
 *       seq beyond {@code lastDelivered + 1} is a gap to fill, never a skip.
 *   <li>{@link #joined} (a rejoin after resume, or Joined again): messages up to {@code headSeq}
 *       exist or existed. Those below {@code firstSeq} are gone, reported with one gap; the rest
 *       are fetched.
 *   <li>{@link #page} delivers the page's messages and the buffer merged in seq order. A seq the
 *       page skips over is gone (history is gapless except where it expired), so it is reported as
 *       a gap. A page that brings nothing usable while more is needed means the rest is gone too:
 *       reported rather than asked for again, so a fetch always makes progress and ends.
 * </ul>
 *
 * <p>The buffer holds at most {@code maxBuffered} messages; a live message beyond that is dropped
 * and the target raised to its seq, so history brings it instead. Not thread-safe: guarded by the
 * session's lock.
 */
final class RoomSequencer {
  /** Where the sequencer's decisions go. */
  interface Sink {
    /** Hands the next message to the listener. */
    void deliver(ChatMessage message);

    /** Reports messages {@code fromSeq..toSeq} as lost for good. */
    void gap(RoomId room, long fromSeq, long toSeq);

    /** Requests a FORWARD history page starting at {@code fromSeq}. */
    void fetch(RoomId room, long fromSeq);
  }

  private final RoomId room;
  private final int maxBuffered;
  private final Sink sink;
  private final TreeMap<Long, ChatMessage> buffer = new TreeMap<>();
  private long lastDelivered;
  private long target;
  private boolean fetching;

  RoomSequencer(RoomId room, long lastDelivered, int maxBuffered, Sink sink) {
    this.room = Objects.requireNonNull(room, "room");
    this.lastDelivered = Math.max(0, lastDelivered);
    this.maxBuffered = maxBuffered;
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  long lastDelivered() {
    return lastDelivered;
  }

  boolean fetching() {
    return fetching;
  }

  int buffered() {
    return buffer.size();
  }

  /** A live Message frame for this room. */
  void live(ChatMessage message) {
    long seq = message.seq();
    if (seq <= lastDelivered) {
      return;
    }
    if (!fetching && seq == lastDelivered + 1) {
      deliver(message);
      drainBuffer();
      return;
    }
    if (buffer.size() < maxBuffered || buffer.containsKey(seq)) {
      buffer.put(seq, message);
    } else {
      target = Math.max(target, seq);
    }
    fetchIfNeeded();
  }

  /** The room was (re)joined: every seq up to {@code headSeq} exists, or existed. */
  void joined(long headSeq, long firstSeq) {
    if (headSeq <= lastDelivered) {
      return;
    }
    skipLost(firstSeq, headSeq);
    target = Math.max(target, headSeq);
    drainBuffer();
    fetchIfNeeded();
  }

  /** The answer to the fetch this sequencer asked for. */
  void page(List<ChatMessage> messages, long firstSeq) {
    fetching = false;
    long before = lastDelivered;
    for (ChatMessage message : messages) {
      drainBuffer();
      long seq = message.seq();
      if (seq <= lastDelivered) {
        continue;
      }
      if (seq > lastDelivered + 1) {
        reportGap(seq - 1);
      }
      deliver(message);
    }
    drainBuffer();
    if (lastDelivered == before && lastDelivered < goal()) {
      skipLost(firstSeq, goal());
      if (lastDelivered == before) {
        reportGap(goal());
      }
      drainBuffer();
    }
    fetchIfNeeded();
  }

  /** The connection dropped: a fetch in flight will not be answered; resume starts over. */
  void connectionLost() {
    fetching = false;
    buffer.clear();
    target = 0;
  }

  /** Forgets everything after a history reset: the next live message is seq {@code headSeq+1}. */
  void restartAt(long headSeq) {
    connectionLost();
    lastDelivered = Math.max(0, headSeq);
  }

  private long goal() {
    return buffer.isEmpty() ? target : Math.max(target, buffer.firstKey() - 1);
  }

  /** Reports seqs below {@code firstSeq} (all of them when 0: nothing is kept) up to a limit. */
  private void skipLost(long firstSeq, long upTo) {
    long keptFrom = firstSeq <= 0 ? upTo + 1 : firstSeq;
    if (keptFrom > lastDelivered + 1) {
      reportGap(Math.min(keptFrom - 1, upTo));
    }
  }

  private void reportGap(long toSeq) {
    if (toSeq > lastDelivered) {
      sink.gap(room, lastDelivered + 1, toSeq);
      lastDelivered = toSeq;
    }
  }

  private void deliver(ChatMessage message) {
    lastDelivered = message.seq();
    sink.deliver(message);
  }

  private void drainBuffer() {
    buffer.headMap(lastDelivered, true).clear();
    while (!buffer.isEmpty() && buffer.firstKey() == lastDelivered + 1) {
      deliver(buffer.pollFirstEntry().getValue());
    }
  }

  private void fetchIfNeeded() {
    if (!fetching && lastDelivered < goal()) {
      fetching = true;
      sink.fetch(room, lastDelivered + 1);
    }
  }
}
