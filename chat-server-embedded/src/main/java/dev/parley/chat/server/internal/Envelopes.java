package dev.parley.chat.server.internal;

import com.google.protobuf.ByteString;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Error;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.spi.RoomPosition;

/** Builds the server's outgoing envelopes from Parley's value types. Stateless. */
final class Envelopes {
  private Envelopes() {}

  static Message message(ChatMessage m) {
    Message.Builder b =
        Message.newBuilder()
            .setRoom(m.room().value())
            .setSeq(m.seq())
            .setMessageId(m.id().value())
            .setSender(m.sender().value())
            .setTimestampMs(m.timestamp().toEpochMilli())
            .setText(m.text())
            .setClientMessageId(m.clientMessageId().value());
    if (m.payloadSize() > 0) {
      b.setPayload(ByteString.copyFrom(m.payload()));
    }
    return b.build();
  }

  static Envelope delivery(ChatMessage m) {
    return Envelope.newBuilder().setMessage(message(m)).build();
  }

  static Error error(ErrorCode code, String message, RoomId room) {
    Error.Builder b =
        Error.newBuilder()
            .setCode(code.code())
            .setName(code.name())
            .setMessage(message)
            .setRetryable(code.retryable());
    if (room != null) {
      b.setRoom(room.value());
    }
    return b.build();
  }

  static Envelope errorFrame(long requestId, ErrorCode code, String message, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setError(error(code, message, room))
        .build();
  }

  static dev.parley.chat.protocol.internal.Joined joined(
      RoomId room, RoomPosition position, Iterable<String> online) {
    return dev.parley.chat.protocol.internal.Joined.newBuilder()
        .setRoom(room.value())
        .setHeadSeq(position.headSeq())
        .setFirstSeq(position.firstSeq())
        .setEpoch(position.epoch())
        .addAllOnline(online)
        .build();
  }
}
