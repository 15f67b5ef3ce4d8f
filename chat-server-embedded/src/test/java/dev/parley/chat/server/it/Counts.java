package dev.parley.chat.server.it;

import dev.parley.chat.api.ChatMessage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lost, duplicated and reordered counts of what one member received, against the ids the senders
 * had acknowledged.
 *
 * @param expected messages the member should have
 * @param received messages it got
 * @param lost expected ids it never got
 * @param duplicated messages it got more than once (same seq or same message id)
 * @param reordered places where a seq was not exactly the previous one plus one
 */
record Counts(int expected, int received, int lost, int duplicated, int reordered) {
  static Counts of(List<ChatMessage> got, Set<String> acknowledgedIds) {
    Set<String> ids = new HashSet<>();
    Set<Long> seqs = new HashSet<>();
    int duplicated = 0;
    int reordered = 0;
    long previous = -1;
    for (ChatMessage m : got) {
      if (!ids.add(m.id().value()) | !seqs.add(m.seq())) {
        duplicated++;
      }
      if (previous >= 0 && m.seq() != previous + 1) {
        reordered++;
      }
      previous = m.seq();
    }
    int lost = 0;
    for (String id : acknowledgedIds) {
      if (!ids.contains(id)) {
        lost++;
      }
    }
    return new Counts(acknowledgedIds.size(), got.size(), lost, duplicated, reordered);
  }

  boolean perfect() {
    return lost == 0 && duplicated == 0 && reordered == 0;
  }
}
