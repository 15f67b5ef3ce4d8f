package dev.parley.chat.client.internal;

import com.google.protobuf.ByteString;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Leave;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.Ping;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.protocol.internal.SendAck;
import dev.parley.chat.protocol.internal.Typing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the client's frames and turns the server's into API values. Everything that names a
 * generated Protobuf class on the client side lives here or in the session engine, never in a
 * public signature. Stateless and thread-safe.
 */
final class ProtocolMapper {
  private static final Logger log = LoggerFactory.getLogger(ProtocolMapper.class);

  private ProtocolMapper() {}

  static Envelope connect(
      long requestId,
      String token,
      String clientName,
      String clientVersion,
      List<RoomPosition> resume) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setConnect(
            Connect.newBuilder()
                .setProtocolVersion(Protocol.VERSION)
                .setToken(token)
                .setClientName(clientName)
                .setClientVersion(clientVersion)
                .addAllResume(resume))
        .build();
  }

  static RoomPosition position(RoomId room, long lastSeq) {
    return RoomPosition.newBuilder().setRoom(room.value()).setLastSeq(lastSeq).build();
  }

  static Envelope join(long requestId, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setJoin(Join.newBuilder().setRoom(room.value()))
        .build();
  }

  static Envelope leave(long requestId, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setLeave(Leave.newBuilder().setRoom(room.value()))
        .build();
  }

  static Envelope send(
      long requestId, RoomId room, ClientMessageId id, String text, byte[] payload) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setSend(
            Send.newBuilder()
                .setRoom(room.value())
                .setClientMessageId(id.value())
                .setText(text)
                .setPayload(ByteString.copyFrom(payload)))
        .build();
  }

  static Envelope history(
      long requestId, RoomId room, long fromSeq, Direction direction, int limit) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setHistoryRequest(
            HistoryRequest.newBuilder()
                .setRoom(room.value())
                .setFromSeq(fromSeq)
                .setDirection(direction)
                .setLimit(limit))
        .build();
  }

  static Envelope typing(long requestId, RoomId room, boolean active) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setTyping(Typing.newBuilder().setRoom(room.value()).setActive(active))
        .build();
  }

  static Envelope readReceipt(long requestId, RoomId room, long seq) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setReadReceipt(ReadReceipt.newBuilder().setRoom(room.value()).setSeq(seq))
        .build();
  }

  static Envelope ping(long requestId, long nonce) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setPing(Ping.newBuilder().setNonce(nonce))
        .build();
  }

  /**
   * The message as an API value.
   *
   * @throws IllegalArgumentException if a field is invalid (an empty id, seq 0...)
   */
  static ChatMessage message(Message m) {
    return new ChatMessage(
        RoomId.of(m.getRoom()),
        m.getSeq(),
        MessageId.of(m.getMessageId()),
        UserId.of(m.getSender()),
        ClientMessageId.of(m.getClientMessageId()),
        Instant.ofEpochMilli(m.getTimestampMs()),
        m.getText(),
        m.getPayload().toByteArray());
  }

  /** The page's valid messages of {@code room}; invalid ones are logged and left out. */
  static List<ChatMessage> messages(RoomId room, List<Message> page) {
    List<ChatMessage> result = new ArrayList<>(page.size());
    for (Message m : page) {
      try {
        ChatMessage message = message(m);
        if (message.room().equals(room)) {
          result.add(message);
        } else {
          log.warn("history page of {} carried a message of {}; ignored", room, message.room());
        }
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        log.warn(
            "history page of {} carried an invalid message (seq {}): {}",
            room,
            m.getSeq(),
            e.getMessage());
      }
    }
    return result;
  }

  /**
   * The acknowledgement as a receipt.
   *
   * @throws IllegalArgumentException if a field is invalid
   */
  static SendReceipt receipt(RoomId room, ClientMessageId id, SendAck ack) {
    if (ack.getSeq() < 1) {
      throw new IllegalArgumentException("acknowledged seq must be 1 or more, was " + ack.getSeq());
    }
    return new SendReceipt(
        room,
        id,
        ack.getSeq(),
        MessageId.of(ack.getMessageId()),
        Instant.ofEpochMilli(ack.getTimestampMs()),
        ack.getDuplicate());
  }

  static ChatException exception(dev.parley.chat.protocol.internal.Error error) {
    ErrorCode code = ErrorCode.fromCode(error.getCode());
    String message = error.getMessage();
    // servers before 0.1 sent the code in front of the message; ChatException adds it again
    String prefix = code.name() + ": ";
    while (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    return new ChatException(code, message.isEmpty() ? code.name() : message);
  }

  /** Parses a room id from the wire, or null if it is not valid. */
  static RoomId roomOrNull(String text) {
    try {
      return RoomId.of(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
