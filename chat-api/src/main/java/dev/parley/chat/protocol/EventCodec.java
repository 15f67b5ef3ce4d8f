package dev.parley.chat.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Event;
import dev.parley.chat.protocol.internal.JsonFrameCodec;
import dev.parley.chat.spi.ChatEvent;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes {@link ChatEvent}s as a message queue carries them: the {@code parley.v1.Event}
 * message of {@code parley/v1/events.proto} (in this jar), in its Protobuf encoding or its proto3
 * JSON encoding, and the routing key a topic exchange files them under. Sinks write with it;
 * consumers read with it.
 *
 * <p>Times travel in milliseconds: an event's {@link ChatEvent#at()} comes back truncated to the
 * millisecond. Everything else comes back equal. Decoding accepts only what a {@link ChatEvent} can
 * hold (valid room and user ids, a seq of 1 or more, an event id of 1 to 256 characters, a type
 * that matches the kind) and ignores fields it does not know, so a newer writer's additions do no
 * harm; an event of a kind this version does not know is refused.
 *
 * <p>The JSON methods need {@code com.google.protobuf:protobuf-java-util} on the class path, which
 * chat-api declares optional; the Protobuf methods need nothing more.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventCodec {
  /** Content type of the Protobuf encoding ({@link #encode}). */
  public static final String PROTOBUF_CONTENT_TYPE = "application/x-protobuf";

  /** Content type of the JSON encoding ({@link #toJson}). */
  public static final String JSON_CONTENT_TYPE = "application/json";

  /** What a routing key writes in place of a {@code .} of a room or user id. */
  public static final char ROUTING_KEY_DOT = '~';

  private EventCodec() {}

  /**
   * The event's Protobuf encoding.
   *
   * @throws IllegalArgumentException if its time is beyond what milliseconds in a {@code long} hold
   *     (some 292 million years from 1970)
   */
  public static byte[] encode(ChatEvent event) {
    return toProto(event).toByteArray();
  }

  /**
   * The event a Protobuf encoding carries.
   *
   * @throws IllegalArgumentException if {@code bytes} is no {@code parley.v1.Event}, or carries a
   *     kind this version does not know, or values no {@link ChatEvent} can hold
   */
  public static ChatEvent decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Event event;
    try {
      event = Event.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a Protobuf parley.v1.Event: " + e.getMessage(), e);
    }
    return fromProto(event);
  }

  /**
   * The event as one line of proto3 JSON, with the schema's field names in lowerCamelCase ({@code
   * atMs}, {@code messageStored}); 64-bit numbers are strings, as proto3 JSON writes them.
   *
   * @throws IllegalArgumentException as {@link #encode} does
   */
  public static String toJson(ChatEvent event) {
    try {
      return Json.PRINTER.print(toProto(event));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print event as JSON", e);
    }
  }

  /**
   * The event a proto3 JSON text carries. Keys may be lowerCamelCase or the schema's snake_case;
   * unknown keys are ignored.
   *
   * @throws IllegalArgumentException if {@code json} is no JSON {@code parley.v1.Event}, or carries
   *     a kind this version does not know, or values no {@link ChatEvent} can hold
   */
  public static ChatEvent fromJson(String json) {
    Objects.requireNonNull(json, "json");
    String costly = JsonFrameCodec.longExponentField(json, Event.getDescriptor());
    if (costly != null) {
      throw new IllegalArgumentException(
          "not a JSON parley.v1.Event: " + costly + " is a number with an exponent beyond 99");
    }
    Event.Builder builder = Event.newBuilder();
    try {
      Json.PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("not a JSON parley.v1.Event: " + e.getMessage(), e);
    }
    return fromProto(builder.build());
  }

  /**
   * The key a topic exchange files the event under: {@code <type>.<room>} for events of a room
   * ({@code message.stored.lobby}), {@code <type>.<user>} for a user's own ({@code
   * user.online.alice}). Every {@code .} of the id is written as {@value #ROUTING_KEY_DOT}, so the
   * key has exactly the type's words and one more ({@code room.created.team~blue} for room {@code
   * team.blue}); ids can hold neither {@code ~}, {@code *} nor {@code #}, so the key holds no
   * wildcard and names one id. A key is at most 143 characters, within AMQP's 255.
   */
  public static String routingKey(ChatEvent event) {
    String subject;
    if (event instanceof ChatEvent.UserOnline online) {
      subject = online.user().value();
    } else if (event instanceof ChatEvent.UserOffline offline) {
      subject = offline.user().value();
    } else {
      subject = event.room().orElseThrow().value();
    }
    return event.type() + "." + routingKeyWord(subject);
  }

  /**
   * A room or user id as {@link #routingKey} writes it: each {@code .} becomes {@value
   * #ROUTING_KEY_DOT}. Use it to bind a queue to one room, such as {@code "message.stored." +
   * routingKeyWord("team.blue")}.
   *
   * @throws IllegalArgumentException if {@code id} holds {@code ~}, {@code *} or {@code #}, which
   *     no room or user id does
   */
  public static String routingKeyWord(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == ROUTING_KEY_DOT || c == '*' || c == '#') {
        throw new IllegalArgumentException(
            "'" + c + "' at index " + i + " of " + id + " cannot be written in a routing key");
      }
    }
    return id.replace('.', ROUTING_KEY_DOT);
  }

  private static Event toProto(ChatEvent event) {
    long atMs;
    try {
      atMs = event.at().toEpochMilli();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("event time " + event.at() + " is out of range", e);
    }
    Event.Builder proto = Event.newBuilder().setId(event.id()).setAtMs(atMs).setType(event.type());
    if (event instanceof ChatEvent.MessageStored e) {
      proto.setMessageStored(
          Event.MessageStored.newBuilder()
              .setRoom(e.roomId().value())
              .setSeq(e.seq())
              .setMessageId(e.messageId().value())
              .setSender(e.sender().value())
              .setClientMessageId(e.clientMessageId().value())
              .addAllDeliveredLive(e.deliveredLive().stream().map(UserId::value).toList()));
    } else if (event instanceof ChatEvent.RoomCreated e) {
      proto.setRoomCreated(
          Event.RoomCreated.newBuilder()
              .setRoom(e.roomId().value())
              .setCreator(e.creator().value()));
    } else if (event instanceof ChatEvent.MemberJoined e) {
      proto.setMemberJoined(
          Event.MemberJoined.newBuilder().setRoom(e.roomId().value()).setUser(e.user().value()));
    } else if (event instanceof ChatEvent.MemberLeft e) {
      proto.setMemberLeft(
          Event.MemberLeft.newBuilder().setRoom(e.roomId().value()).setUser(e.user().value()));
    } else if (event instanceof ChatEvent.UserOnline e) {
      proto.setUserOnline(Event.UserOnline.newBuilder().setUser(e.user().value()));
    } else if (event instanceof ChatEvent.UserOffline e) {
      proto.setUserOffline(Event.UserOffline.newBuilder().setUser(e.user().value()));
    } else {
      throw new IllegalArgumentException("unknown event class " + event.getClass().getName());
    }
    return proto.build();
  }

  private static ChatEvent fromProto(Event proto) {
    if (proto.getKindCase() == Event.KindCase.KIND_NOT_SET) {
      throw new IllegalArgumentException(
          "event "
              + quoted(proto.getId())
              + " of type "
              + quoted(proto.getType())
              + " has no kind this version knows");
    }
    ChatEvent event;
    try {
      event = toEvent(proto);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "event " + quoted(proto.getId()) + " holds a bad value: " + e.getMessage(), e);
    }
    if (!event.type().equals(proto.getType())) {
      throw new IllegalArgumentException(
          "event "
              + quoted(proto.getId())
              + " says type "
              + quoted(proto.getType())
              + " but carries "
              + event.type());
    }
    return event;
  }

  private static ChatEvent toEvent(Event proto) {
    String id = proto.getId();
    Instant at = Instant.ofEpochMilli(proto.getAtMs());
    return switch (proto.getKindCase()) {
      case MESSAGE_STORED -> {
        Event.MessageStored m = proto.getMessageStored();
        List<UserId> live = m.getDeliveredLiveList().stream().map(UserId::of).toList();
        yield new ChatEvent.MessageStored(
            id,
            at,
            RoomId.of(m.getRoom()),
            m.getSeq(),
            MessageId.of(m.getMessageId()),
            UserId.of(m.getSender()),
            ClientMessageId.of(m.getClientMessageId()),
            live);
      }
      case ROOM_CREATED ->
          new ChatEvent.RoomCreated(
              id,
              at,
              RoomId.of(proto.getRoomCreated().getRoom()),
              UserId.of(proto.getRoomCreated().getCreator()));
      case MEMBER_JOINED ->
          new ChatEvent.MemberJoined(
              id,
              at,
              RoomId.of(proto.getMemberJoined().getRoom()),
              UserId.of(proto.getMemberJoined().getUser()));
      case MEMBER_LEFT ->
          new ChatEvent.MemberLeft(
              id,
              at,
              RoomId.of(proto.getMemberLeft().getRoom()),
              UserId.of(proto.getMemberLeft().getUser()));
      case USER_ONLINE ->
          new ChatEvent.UserOnline(id, at, UserId.of(proto.getUserOnline().getUser()));
      case USER_OFFLINE ->
          new ChatEvent.UserOffline(id, at, UserId.of(proto.getUserOffline().getUser()));
      case KIND_NOT_SET -> throw new IllegalStateException("checked by the caller");
    };
  }

  private static String quoted(String text) {
    String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
    return "'" + shown + "'";
  }

  /**
   * The JSON printer and parser, loaded only when JSON is used (protobuf-java-util is optional).
   */
  private static final class Json {
    static final JsonFormat.Printer PRINTER =
        JsonFormat.printer().omittingInsignificantWhitespace();
    static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  }
}
