package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The per-room ordering rules, with a recording sink. */
class RoomSequencerTest {
  static final RoomId ROOM = RoomId.of("r");

  /** Records the sequencer's decisions as text: "6", "gap 4-9", "fetch 7". */
  static final class Recorder implements RoomSequencer.Sink {
    final List<String> log = new ArrayList<>();

    @Override
    public void deliver(ChatMessage message) {
      log.add(Long.toString(message.seq()));
    }

    @Override
    public void gap(RoomId room, long fromSeq, long toSeq) {
      log.add("gap " + fromSeq + "-" + toSeq);
    }

    @Override
    public void fetch(RoomId room, long fromSeq) {
      log.add("fetch " + fromSeq);
    }

    List<String> take() {
      List<String> taken = List.copyOf(log);
      log.clear();
      return taken;
    }
  }

  static ChatMessage message(long seq) {
    return new ChatMessage(
        ROOM,
        seq,
        MessageId.of("m" + seq),
        UserId.of("u"),
        ClientMessageId.of("c" + seq),
        Instant.EPOCH,
        "t",
        null);
  }

  static List<ChatMessage> messages(long... seqs) {
    return LongStream.of(seqs).mapToObj(RoomSequencerTest::message).toList();
  }

  private final Recorder sink = new Recorder();

  @Test
  void nextSeqIsDeliveredAtOnceAndDuplicatesAreDropped() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 5, 100, sink);
    sequencer.live(message(6));
    sequencer.live(message(6));
    sequencer.live(message(3));
    sequencer.live(message(7));
    assertThat(sink.take()).containsExactly("6", "7");
    assertThat(sequencer.lastDelivered()).isEqualTo(7);
  }

  @Test
  void aLiveSeqAheadStartsOneFetchAndIsHeldBack() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 5, 100, sink);
    sequencer.live(message(9));
    sequencer.live(message(10));
    sequencer.live(message(6));
    assertThat(sink.take()).containsExactly("fetch 6");
    sequencer.page(messages(6, 7, 8), 1);
    assertThat(sink.take()).containsExactly("6", "7", "8", "9", "10");
    assertThat(sequencer.fetching()).isFalse();
  }

  @Test
  void rejoinAfterResumeFetchesUpToTheHead() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 6, 100, sink);
    sequencer.joined(10, 1);
    assertThat(sink.take()).containsExactly("fetch 7");
    sequencer.live(message(11));
    sequencer.page(messages(7, 8), 1);
    assertThat(sink.take()).containsExactly("7", "8", "fetch 9");
    sequencer.page(messages(9, 10, 11), 1);
    assertThat(sink.take()).containsExactly("9", "10", "11");
  }

  @Test
  void nothingMissedMeansNoFetch() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 6, 100, sink);
    sequencer.joined(6, 1);
    sequencer.joined(3, 1);
    assertThat(sink.take()).isEmpty();
  }

  @Test
  void historyThatExpiredIsReportedOnceAsAGap() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 3, 100, sink);
    sequencer.joined(20, 10);
    assertThat(sink.take()).containsExactly("gap 4-9", "fetch 10");
  }

  @Test
  void aRoomThatKeepsNothingReportsEverythingMissedAsAGap() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 3, 100, sink);
    sequencer.joined(20, 0);
    assertThat(sink.take()).containsExactly("gap 4-20");
    sequencer.live(message(21));
    assertThat(sink.take()).containsExactly("21");
  }

  @Test
  void anEmptyPageWhileMoreIsNeededReportsTheRestAsLost() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 5, 100, sink);
    sequencer.live(message(9));
    sink.take();
    sequencer.page(List.of(), 9);
    assertThat(sink.take()).containsExactly("gap 6-8", "9");
  }

  @Test
  void aPageThatStartsLaterThanAskedReportsTheSkippedSeqs() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 5, 100, sink);
    sequencer.joined(9, 1);
    sink.take();
    sequencer.page(messages(8, 9), 8);
    assertThat(sink.take()).containsExactly("gap 6-7", "8", "9");
  }

  @Test
  void aFullBufferDropsLiveMessagesButHistoryBringsThemBack() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 0, 2, sink);
    sequencer.live(message(3));
    sequencer.live(message(4));
    sequencer.live(message(5));
    assertThat(sequencer.buffered()).isEqualTo(2);
    assertThat(sink.take()).containsExactly("fetch 1");
    sequencer.page(messages(1, 2), 1);
    assertThat(sink.take()).containsExactly("1", "2", "3", "4", "fetch 5");
    sequencer.page(messages(5), 1);
    assertThat(sink.take()).containsExactly("5");
  }

  @Test
  void aDroppedConnectionForgetsTheFetchAndTheBuffer() {
    RoomSequencer sequencer = new RoomSequencer(ROOM, 5, 100, sink);
    sequencer.live(message(8));
    sequencer.connectionLost();
    assertThat(sequencer.fetching()).isFalse();
    assertThat(sequencer.buffered()).isZero();
    sequencer.joined(8, 1);
    assertThat(sink.take()).containsExactly("fetch 6", "fetch 6");
  }
}
