package dev.parley.chat.store.jdbc.it;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.store.jdbc.it.ResendingSenders.Acked;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks acknowledged sends against what the store holds after a failover: each acknowledged
 * message stored exactly once, at the seq its acknowledgement gave, each sender's in the order
 * sent, and every room's seqs gapless from 1. Stateless; thread-safe.
 */
public final class FailoverChecks {
  private FailoverChecks() {}

  /** The counts, and notes for the log. */
  public static final class Outcome {
    int acknowledged;
    int stored;
    int lost;
    int duplicated;
    int reordered;
    int wrongSeq;
    int storedUnacknowledged;
    private final List<String> notes = new ArrayList<>();

    /** Adds a line to the summary. */
    public void note(String line) {
      notes.add(line);
    }

    /** Acknowledged messages missing from the store. */
    public int lost() {
      return lost;
    }

    @Override
    public String toString() {
      return acknowledged
          + " acknowledged, "
          + stored
          + " stored: "
          + lost
          + " lost, "
          + duplicated
          + " duplicated, "
          + reordered
          + " reordered, "
          + wrongSeq
          + " at another seq than acknowledged, "
          + storedUnacknowledged
          + " stored but never acknowledged"
          + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    }
  }

  /** Compares; every discrepancy is added to {@code problems}. */
  public static Outcome check(
      List<Acked> acked, Map<RoomId, List<ChatMessage>> stored, List<String> problems) {
    Outcome o = new Outcome();
    o.acknowledged = acked.size();
    Map<String, List<ChatMessage>> byText = new HashMap<>();
    for (Map.Entry<RoomId, List<ChatMessage>> room : stored.entrySet()) {
      List<ChatMessage> messages = room.getValue();
      o.stored += messages.size();
      Map<String, Long> lastBySender = new HashMap<>();
      for (int i = 0; i < messages.size(); i++) {
        ChatMessage m = messages.get(i);
        if (m.seq() != i + 1) {
          problems.add(room.getKey() + ": seq " + m.seq() + " at position " + (i + 1));
        }
        byText.computeIfAbsent(m.text(), t -> new ArrayList<>()).add(m);
        String text = m.text();
        String sender = text.substring(0, text.lastIndexOf(':'));
        long n = Long.parseLong(text.substring(text.lastIndexOf(':') + 1));
        Long before = lastBySender.put(sender, n);
        if (before != null && n <= before) {
          o.reordered++;
          problems.add(room.getKey() + ": " + text + " stored after " + sender + ":" + before);
        }
      }
    }
    Map<String, Acked> ackedByText = new HashMap<>();
    for (Acked a : acked) {
      ackedByText.put(a.text(), a);
      List<ChatMessage> copies = byText.getOrDefault(a.text(), List.of());
      if (copies.isEmpty()) {
        o.lost++;
        problems.add(
            "acknowledged but not stored: " + a.text() + " (seq " + a.receipt().seq() + ")");
      } else if (copies.get(0).seq() != a.receipt().seq()) {
        o.wrongSeq++;
        problems.add(
            a.text()
                + " acknowledged as seq "
                + a.receipt().seq()
                + ", stored as "
                + copies.get(0).seq());
      }
    }
    for (Map.Entry<String, List<ChatMessage>> e : byText.entrySet()) {
      if (e.getValue().size() > 1) {
        o.duplicated += e.getValue().size() - 1;
        problems.add("stored " + e.getValue().size() + " times: " + e.getKey());
      }
      if (!ackedByText.containsKey(e.getKey())) {
        o.storedUnacknowledged++;
        problems.add(
            "stored but never acknowledged (every send is resent until it is): " + e.getKey());
      }
    }
    return o;
  }
}
