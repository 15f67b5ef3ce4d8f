package dev.parley.chat.client.internal;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.Pong;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.protocol.internal.SendAck;
import dev.parley.chat.spi.TransportConnection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Just enough of a Parley server, over {@link LoopbackServer}, to drive the real client end to end:
 * Connect (token "bad" is refused), resume, Join, Send (idempotent per client message id), FORWARD
 * history and Ping. One room list, all in memory, one lock. Not the real server.
 */
final class MiniChatServer {
  private final Map<String, List<Message>> rooms = new HashMap<>();
  private final Map<String, Set<TransportConnection>> members = new HashMap<>();
  private final Map<String, Long> stored = new HashMap<>();
  private final Map<TransportConnection, String> users = new HashMap<>();
  final LoopbackServer socket = new LoopbackServer(this::onMessage);

  synchronized void onMessage(TransportConnection conn, ByteBuffer frame) {
    Envelope envelope;
    try {
      envelope = BinaryFrames.decode(frame);
    } catch (FrameDecodeException e) {
      return;
    }
    long id = envelope.getRequestId();
    Envelope.Builder reply = Envelope.newBuilder().setRequestId(id);
    switch (envelope.getBodyCase()) {
      case CONNECT -> {
        String token = envelope.getConnect().getToken();
        if (token.equals("bad")) {
          send(
              conn,
              reply.setError(Frames.error(ErrorCode.AUTHENTICATION_FAILED, "no", "")).build());
          conn.close(CloseCodes.AUTHENTICATION_FAILED, "authentication failed");
          return;
        }
        users.put(conn, token);
        List<Joined> rejoined = new ArrayList<>();
        for (RoomPosition position : envelope.getConnect().getResumeList()) {
          rejoined.add(enter(conn, position.getRoom()));
        }
        send(conn, Frames.welcome(id, token, rejoined.toArray(Joined[]::new)));
      }
      case JOIN -> send(conn, reply.setJoined(enter(conn, envelope.getJoin().getRoom())).build());
      case SEND -> {
        Send s = envelope.getSend();
        String key = users.get(conn) + "/" + s.getClientMessageId();
        Long seq = stored.get(key);
        boolean duplicate = seq != null;
        if (!duplicate) {
          List<Message> log = rooms.get(s.getRoom());
          seq = (long) log.size() + 1;
          stored.put(key, seq);
          Message message =
              Frames.message(s.getRoom(), seq).toBuilder()
                  .setText(s.getText())
                  .setSender(users.get(conn))
                  .setClientMessageId(s.getClientMessageId())
                  .build();
          log.add(message);
          for (TransportConnection member : members.get(s.getRoom())) {
            send(member, Envelope.newBuilder().setMessage(message).build());
          }
        }
        send(
            conn,
            reply
                .setSendAck(
                    SendAck.newBuilder()
                        .setRoom(s.getRoom())
                        .setClientMessageId(s.getClientMessageId())
                        .setSeq(seq)
                        .setMessageId("m" + seq)
                        .setDuplicate(duplicate))
                .build());
      }
      case HISTORY_REQUEST -> {
        HistoryRequest request = envelope.getHistoryRequest();
        List<Message> log = rooms.get(request.getRoom());
        HistoryPage.Builder page =
            HistoryPage.newBuilder()
                .setRoom(request.getRoom())
                .setFirstSeq(log.isEmpty() ? 0 : 1)
                .setHeadSeq(log.size());
        int limit = request.getLimit() == 0 ? 200 : request.getLimit();
        if (request.getDirection() == Direction.FORWARD) {
          for (long seq = Math.max(1, request.getFromSeq());
              seq <= log.size() && page.getMessagesCount() < limit;
              seq++) {
            page.addMessages(log.get((int) seq - 1));
          }
        }
        send(conn, reply.setHistoryPage(page).build());
      }
      case PING ->
          send(
              conn,
              reply.setPong(Pong.newBuilder().setNonce(envelope.getPing().getNonce())).build());
      default -> {}
    }
  }

  /** Cuts every connection, like a network failure would. */
  synchronized void cutAll() {
    for (TransportConnection conn : new HashSet<>(users.keySet())) {
      // 1012 (service restart): the client reconnects and resumes, as after a lost connection.
      conn.close(1012, "cut");
    }
    users.clear();
    members.values().forEach(Set::clear);
  }

  /** Adds a message to a room as another user would, pushing it to the members. */
  synchronized void post(String room, String text) {
    List<Message> log = rooms.computeIfAbsent(room, r -> new ArrayList<>());
    Message message = Frames.message(room, log.size() + 1).toBuilder().setText(text).build();
    log.add(message);
    for (TransportConnection member : members.getOrDefault(room, Set.of())) {
      send(member, Envelope.newBuilder().setMessage(message).build());
    }
  }

  private Joined enter(TransportConnection conn, String room) {
    List<Message> log = rooms.computeIfAbsent(room, r -> new ArrayList<>());
    members.computeIfAbsent(room, r -> new HashSet<>()).add(conn);
    return Joined.newBuilder()
        .setRoom(room)
        .setHeadSeq(log.size())
        .setFirstSeq(log.isEmpty() ? 0 : 1)
        .setEpoch(1)
        .build();
  }

  private static void send(TransportConnection conn, Envelope envelope) {
    if (conn.isOpen()) {
      conn.sendBinary(BinaryFrames.encode(envelope));
    }
  }
}
