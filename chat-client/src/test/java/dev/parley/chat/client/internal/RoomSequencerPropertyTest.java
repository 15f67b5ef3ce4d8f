package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@link RoomSequencer} against a simulated room that behaves as the protocol allows, with a
 * hostile schedule drawn from a seeded generator: live frames lost or duplicated, connections
 * dropped mid-fill, history expiring, small pages. Whatever happens, the listener sees seqs in
 * order with no repeat, every gap it is told about was truly lost, and after a final resume it has
 * accounted for every seq up to the head.
 */
class RoomSequencerPropertyTest {
  static LongStream seeds() {
    return LongStream.rangeClosed(1, 300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void listenerSeesEverySeqOnceInOrderOrAReportedGap(long seed) {
    new Simulation(new Random(seed)).run();
  }

  /** The room, its store, the in-flight frames, and the checks on what the listener sees. */
  private static final class Simulation implements RoomSequencer.Sink {
    private final Random random;
    private final RoomSequencer sequencer;
    private final Deque<Long> liveInFlight = new ArrayDeque<>();
    private final List<String> trace = new ArrayList<>();
    private long head;
    private long firstKept;
    private long expectedNext;
    private Long fetchFrom;

    Simulation(Random random) {
      this.random = random;
      this.head = random.nextInt(50);
      this.firstKept = head == 0 ? 0 : 1 + random.nextInt((int) head);
      long last = head == 0 ? 0 : random.nextInt((int) head + 1);
      this.expectedNext = last + 1;
      this.sequencer =
          new RoomSequencer(RoomSequencerTest.ROOM, last, 1 + random.nextInt(20), this);
    }

    void run() {
      sequencer.joined(head, firstKept);
      for (int step = 0; step < 400; step++) {
        switch (random.nextInt(10)) {
          case 0, 1, 2 -> append();
          case 3, 4, 5 -> pushOne();
          case 6, 7 -> answerFetch();
          case 8 -> expire();
          default -> {
            if (random.nextInt(4) == 0) {
              reconnect();
            } else if (!liveInFlight.isEmpty() && random.nextBoolean()) {
              trace.add("lose live " + liveInFlight.poll());
            } else if (expectedNext > 1) {
              long old = 1 + random.nextInt((int) (expectedNext - 1));
              trace.add("duplicate " + old);
              sequencer.live(RoomSequencerTest.message(old));
            }
          }
        }
      }
      // Quiesce: deliver what is in flight, resume once, answer fetches until none is left.
      while (!liveInFlight.isEmpty()) {
        pushOne();
      }
      reconnect();
      for (int pages = 0; fetchFrom != null; pages++) {
        assertThat(pages).as("fetches end (trace %s)", trace).isLessThan(10_000);
        answerFetch();
      }
      assertThat(expectedNext - 1)
          .as("every seq up to the head delivered or reported (trace %s)", trace)
          .isEqualTo(head);
      assertThat(sequencer.lastDelivered()).isEqualTo(head);
    }

    private void append() {
      head++;
      if (firstKept == 0) {
        firstKept = head;
      }
      liveInFlight.add(head);
      trace.add("append " + head);
    }

    private void pushOne() {
      Long seq = liveInFlight.poll();
      if (seq != null) {
        trace.add("live " + seq);
        sequencer.live(RoomSequencerTest.message(seq));
      }
    }

    private void answerFetch() {
      if (fetchFrom == null) {
        return;
      }
      long from = fetchFrom;
      fetchFrom = null;
      int limit = 1 + random.nextInt(5);
      List<ChatMessage> page = new ArrayList<>();
      for (long seq = Math.max(from, firstKept == 0 ? Long.MAX_VALUE : firstKept);
          seq <= head && page.size() < limit;
          seq++) {
        page.add(RoomSequencerTest.message(seq));
      }
      trace.add("page from " + from + ": " + page.size() + " (first kept " + firstKept + ")");
      sequencer.page(page, firstKept);
    }

    private void expire() {
      if (firstKept > 0 && firstKept < head) {
        firstKept += 1 + random.nextInt((int) (head - firstKept));
        trace.add("expire below " + firstKept);
      }
    }

    private void reconnect() {
      trace.add("reconnect at " + sequencer.lastDelivered() + ", head " + head);
      liveInFlight.clear();
      fetchFrom = null;
      sequencer.connectionLost();
      sequencer.joined(head, firstKept);
    }

    @Override
    public void deliver(ChatMessage message) {
      assertThat(message.seq()).as("delivered seq (trace %s)", trace).isEqualTo(expectedNext);
      expectedNext++;
    }

    @Override
    public void gap(RoomId room, long fromSeq, long toSeq) {
      assertThat(fromSeq).as("gap start (trace %s)", trace).isEqualTo(expectedNext);
      assertThat(toSeq).isGreaterThanOrEqualTo(fromSeq);
      assertThat(firstKept == 0 || toSeq < firstKept)
          .as(
              "gap %d-%d only covers lost seqs, first kept %d (trace %s)",
              fromSeq, toSeq, firstKept, trace)
          .isTrue();
      expectedNext = toSeq + 1;
    }

    @Override
    public void fetch(RoomId room, long fromSeq) {
      assertThat(fetchFrom).as("one fetch at a time (trace %s)", trace).isNull();
      assertThat(fromSeq).isEqualTo(expectedNext);
      fetchFrom = fromSeq;
    }
  }
}
