package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryPage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whatever a server sends (garbage bytes, frames of any type, history pages that lie, errors,
 * drops, time passing), the session never throws out of the transport listener, never fails
 * internally, and never delivers a room's messages out of order, twice, or past a gap it did not
 * report. In a normal build this replays the saved inputs; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class SessionFramesFuzzTest {
  private static final String[] ROOMS = {"fuzz", "other", "unjoined"};
  private static final int[] CLOSE_CODES = {1006, 1001, 1011, 4003, 4008, 1000, 4000, 4001};

  /** Checks the ordering promise on every delivery, as the listener sees it. */
  static final class OrderChecker extends RecordingListener {
    private final Map<RoomId, Long> last = new HashMap<>();

    void expect(String room, long headSeq) {
      last.put(RoomId.of(room), headSeq);
    }

    @Override
    void onEvent(Object event) {
      if (event instanceof MessageEvent delivery) {
        RoomId room = delivery.message().room();
        long seq = delivery.message().seq();
        Long previous = last.get(room);
        if (previous != null && seq != previous + 1) {
          violations.add(room + ": seq " + seq + " delivered after " + previous);
        }
        last.put(room, seq);
      } else if (event instanceof HistoryGapEvent gap) {
        Long previous = last.get(gap.room());
        if (gap.toSeq() < gap.fromSeq() || (previous != null && gap.fromSeq() != previous + 1)) {
          violations.add(gap.room() + ": " + gap + " after " + previous);
        }
        last.put(gap.room(), gap.toSeq());
      } else if (event instanceof ErrorEvent error
          && error.error().getMessage().contains("was reset")) {
        last.clear(); // reported: the server restarted the room's history
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void serverFramesNeverEscapeNorReorderDeliveries(FuzzedDataProvider data) {
    OrderChecker listener = new OrderChecker();
    ClientHarness harness =
        new ClientHarness(
            b -> b.requestTimeout(Duration.ofSeconds(5)).heartbeatInterval(Duration.ofSeconds(20)),
            listener);
    try {
      ClientHarness.Connected connected = harness.connectAndWelcome("alice");
      RealChatSession session = (RealChatSession) connected.session();
      long fuzzHead = data.consumeLong(0, 30);
      ClientHarness.join(connected, "fuzz", fuzzHead);
      listener.expect("fuzz", fuzzHead);
      ClientHarness.join(connected, "other", 0);
      listener.expect("other", 0);
      ScriptedTransport.Server server = connected.server();
      List<Envelope> requests = new ArrayList<>();
      while (data.remainingBytes() > 0 && session.state() != ChatSession.State.CLOSED) {
        requests.addAll(server.drainReceived());
        switch (data.consumeInt(0, 7)) {
          case 0 -> server.sendRaw(data.consumeBytes(data.consumeInt(0, 96)));
          case 1 -> server.send(Frames.live(data.pickValue(ROOMS), data.consumeLong(1, 60)));
          case 2 -> answer(server, requests, data);
          case 3 ->
              server.send(
                  Frames.errorReply(
                      pickRequestId(requests, data),
                      ErrorCode.fromCode(data.consumeInt(1, 15)),
                      "fuzz"));
          case 4 -> server.closeFromServer(data.pickValue(CLOSE_CODES), "fuzz");
          case 5 -> harness.scheduler.advance(Duration.ofMillis(data.consumeLong(0, 30_000)));
          case 6 ->
              server.send(
                  Frames.joinedReply(
                      data.consumeBoolean() ? 0 : pickRequestId(requests, data),
                      Frames.joined(
                          data.pickValue(ROOMS),
                          data.consumeLong(0, 60),
                          data.consumeLong(0, 60))));
          default -> server.send(Frames.goAway(data.consumeInt(0, 10_000)));
        }
        ScriptedTransport.Server reconnected = harness.transport.poll();
        if (reconnected != null) {
          server = reconnected;
          requests.clear();
          server.welcome(
              "alice",
              Frames.joined("fuzz", data.consumeLong(0, 60), data.consumeLong(0, 60)),
              Frames.joined("other", data.consumeLong(0, 60), data.consumeLong(0, 60)));
        }
      }
      assertThat(session.internalErrors())
          .as("exceptions caught at the transport boundary")
          .isZero();
      listener.assertContractKept();
    } finally {
      harness.close();
    }
  }

  /** Answers one of the client's history requests with a page of fuzzed seqs. */
  private static void answer(
      ScriptedTransport.Server server, List<Envelope> requests, FuzzedDataProvider data) {
    List<Envelope> reads =
        requests.stream()
            .filter(e -> e.getBodyCase() == Envelope.BodyCase.HISTORY_REQUEST)
            .toList();
    if (reads.isEmpty()) {
      return;
    }
    Envelope request = reads.get(data.consumeInt(0, reads.size() - 1));
    requests.remove(request);
    String room = request.getHistoryRequest().getRoom();
    long from = request.getHistoryRequest().getFromSeq();
    HistoryPage.Builder page =
        HistoryPage.newBuilder()
            .setRoom(room)
            .setFirstSeq(data.consumeLong(0, 60))
            .setHeadSeq(data.consumeLong(0, 60))
            .setHasMore(data.consumeBoolean());
    int count = data.consumeInt(0, 8);
    long seq = from + data.consumeLong(-2, 3);
    for (int i = 0; i < count; i++) {
      if (seq >= 1) {
        page.addMessages(Frames.message(room, seq));
      }
      seq += data.consumeLong(-1, 3);
    }
    server.send(
        Envelope.newBuilder().setRequestId(request.getRequestId()).setHistoryPage(page).build());
  }

  private static long pickRequestId(List<Envelope> requests, FuzzedDataProvider data) {
    if (requests.isEmpty() || data.consumeBoolean()) {
      return data.consumeLong(0, 64);
    }
    return requests.get(data.consumeInt(0, requests.size() - 1)).getRequestId();
  }
}
