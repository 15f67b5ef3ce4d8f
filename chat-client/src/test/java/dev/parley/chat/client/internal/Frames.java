package dev.parley.chat.client.internal;

import com.google.protobuf.ByteString;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.GoAway;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.Presence;
import dev.parley.chat.protocol.internal.SendAck;
import dev.parley.chat.protocol.internal.ServerLimits;
import dev.parley.chat.protocol.internal.Welcome;
import java.util.List;

/** Server frames for tests. */
final class Frames {
  private Frames() {}

  static Envelope welcome(long requestId, String user, Joined... rejoined) {
    return welcome(requestId, user, List.of(rejoined), List.of());
  }

  static Envelope welcome(
      long requestId,
      String user,
      List<Joined> rejoined,
      List<dev.parley.chat.protocol.internal.Error> rejected) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setWelcome(
            Welcome.newBuilder()
                .setUser(user)
                .setSessionId("s1")
                .setServerId("test-server")
                .setProtocolVersion(1)
                .setHeartbeatIntervalMs(30_000)
                .setLimits(
                    ServerLimits.newBuilder()
                        .setMaxFrameBytes(64 * 1024)
                        .setMaxTextBytes(16 * 1024)
                        .setMaxPayloadBytes(32 * 1024)
                        .setMaxRoomsPerSession(100)
                        .setMaxHistoryPage(200))
                .addAllRejoined(rejoined)
                .addAllRejected(rejected))
        .build();
  }

  static Joined joined(String room, long headSeq, long firstSeq, String... online) {
    return Joined.newBuilder()
        .setRoom(room)
        .setHeadSeq(headSeq)
        .setFirstSeq(firstSeq)
        .setEpoch(1)
        .addAllOnline(List.of(online))
        .build();
  }

  static Envelope joinedReply(long requestId, Joined joined) {
    return Envelope.newBuilder().setRequestId(requestId).setJoined(joined).build();
  }

  static Message message(String room, long seq) {
    return Message.newBuilder()
        .setRoom(room)
        .setSeq(seq)
        .setMessageId("m" + seq)
        .setSender("bob")
        .setTimestampMs(1_700_000_000_000L + seq)
        .setText("text " + seq)
        .setClientMessageId("c" + seq)
        .setPayload(ByteString.EMPTY)
        .build();
  }

  static Envelope live(String room, long seq) {
    return Envelope.newBuilder().setMessage(message(room, seq)).build();
  }

  static Envelope page(long requestId, String room, long firstSeq, long headSeq, long... seqs) {
    HistoryPage.Builder page =
        HistoryPage.newBuilder().setRoom(room).setFirstSeq(firstSeq).setHeadSeq(headSeq);
    for (long seq : seqs) {
      page.addMessages(message(room, seq));
    }
    page.setHasMore(seqs.length > 0 && seqs[seqs.length - 1] < headSeq);
    return Envelope.newBuilder().setRequestId(requestId).setHistoryPage(page).build();
  }

  static Envelope ack(
      long requestId, String room, String clientMessageId, long seq, boolean duplicate) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setSendAck(
            SendAck.newBuilder()
                .setRoom(room)
                .setClientMessageId(clientMessageId)
                .setSeq(seq)
                .setMessageId("m" + seq)
                .setTimestampMs(1_700_000_000_000L + seq)
                .setDuplicate(duplicate))
        .build();
  }

  static dev.parley.chat.protocol.internal.Error error(
      ErrorCode code, String message, String room) {
    return dev.parley.chat.protocol.internal.Error.newBuilder()
        .setCode(code.code())
        .setName(code.name())
        .setMessage(message)
        .setRetryable(code.retryable())
        .setRoom(room)
        .build();
  }

  static Envelope errorReply(long requestId, ErrorCode code, String message) {
    return Envelope.newBuilder().setRequestId(requestId).setError(error(code, message, "")).build();
  }

  static Envelope presence(String room, String user, boolean online) {
    return Envelope.newBuilder()
        .setPresence(Presence.newBuilder().setRoom(room).setUser(user).setOnline(online))
        .build();
  }

  static Envelope goAway(int reconnectAfterMillis) {
    return Envelope.newBuilder()
        .setGoAway(
            GoAway.newBuilder().setReason("stopping").setReconnectAfterMs(reconnectAfterMillis))
        .build();
  }
}
