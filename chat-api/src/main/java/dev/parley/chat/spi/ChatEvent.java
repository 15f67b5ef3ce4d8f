package dev.parley.chat.spi;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened on the server, for applications that act on it off the send path: notify
 * members who were offline, index messages for search, count activity. Events reach an {@link
 * EventSink} at least once; {@link #id()} is the same every time one event is handed over, so
 * consumers drop the repeats. Events of one room reach the sink in the order they happened ({@link
 * #room()}); events of different rooms, and user events, have no order between them.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ChatEvent
    permits ChatEvent.MessageStored,
        ChatEvent.RoomCreated,
        ChatEvent.MemberJoined,
        ChatEvent.MemberLeft,
        ChatEvent.UserOnline,
        ChatEvent.UserOffline {

  /** The event's id: unique, and the same on every delivery of this event. */
  String id();

  /** When it happened, by the server's clock. */
  Instant at();

  /** The room it happened in; empty for a user's own events (online, offline). */
  Optional<RoomId> room();

  /** Its type as routing keys and consumers name it, such as {@code message.stored}. */
  String type();

  /**
   * A message was stored.
   *
   * @param id the event id ({@code message.stored:<room>:<seq>})
   * @param at when the message was accepted
   * @param roomId the room
   * @param seq the message's seq in the room
   * @param messageId the server's id for the message
   * @param sender who sent it
   * @param clientMessageId the sender's id for it
   * @param deliveredLive the members who were connected to the room and were sent it live; everyone
   *     else in the room was offline for it
   */
  record MessageStored(
      String id,
      Instant at,
      RoomId roomId,
      long seq,
      MessageId messageId,
      UserId sender,
      ClientMessageId clientMessageId,
      List<UserId> deliveredLive)
      implements ChatEvent {
    /** Checks the fields and copies the list. */
    public MessageStored {
      requireIdAndTime(id, at);
      Objects.requireNonNull(roomId, "roomId");
      Objects.requireNonNull(messageId, "messageId");
      Objects.requireNonNull(sender, "sender");
      Objects.requireNonNull(clientMessageId, "clientMessageId");
      deliveredLive = List.copyOf(deliveredLive);
      if (seq < 1) {
        throw new IllegalArgumentException("seq must be 1 or more, was " + seq);
      }
    }

    @Override
    public Optional<RoomId> room() {
      return Optional.of(roomId);
    }

    @Override
    public String type() {
      return "message.stored";
    }

    /**
     * The event of a stored message: id {@code message.stored:<room>:<seq>} (the same whichever
     * node makes it), at the message's timestamp.
     *
     * @param deliveredLive the members the message was sent to live, in any order
     */
    public static MessageStored of(ChatMessage message, Collection<UserId> deliveredLive) {
      return new MessageStored(
          "message.stored:" + message.room().value() + ":" + message.seq(),
          message.timestamp(),
          message.room(),
          message.seq(),
          message.id(),
          message.sender(),
          message.clientMessageId(),
          List.copyOf(deliveredLive));
    }
  }

  /**
   * A room was created.
   *
   * @param id the event id
   * @param at when
   * @param roomId the room
   * @param creator who created it
   */
  record RoomCreated(String id, Instant at, RoomId roomId, UserId creator) implements ChatEvent {
    /** Checks the fields. */
    public RoomCreated {
      requireIdAndTime(id, at);
      Objects.requireNonNull(roomId, "roomId");
      Objects.requireNonNull(creator, "creator");
    }

    @Override
    public Optional<RoomId> room() {
      return Optional.of(roomId);
    }

    @Override
    public String type() {
      return "room.created";
    }
  }

  /**
   * A user joined a room.
   *
   * @param id the event id
   * @param at when
   * @param roomId the room
   * @param user who joined
   */
  record MemberJoined(String id, Instant at, RoomId roomId, UserId user) implements ChatEvent {
    /** Checks the fields. */
    public MemberJoined {
      requireIdAndTime(id, at);
      Objects.requireNonNull(roomId, "roomId");
      Objects.requireNonNull(user, "user");
    }

    @Override
    public Optional<RoomId> room() {
      return Optional.of(roomId);
    }

    @Override
    public String type() {
      return "member.joined";
    }
  }

  /**
   * A user left a room (or was removed from it).
   *
   * @param id the event id
   * @param at when
   * @param roomId the room
   * @param user who left
   */
  record MemberLeft(String id, Instant at, RoomId roomId, UserId user) implements ChatEvent {
    /** Checks the fields. */
    public MemberLeft {
      requireIdAndTime(id, at);
      Objects.requireNonNull(roomId, "roomId");
      Objects.requireNonNull(user, "user");
    }

    @Override
    public Optional<RoomId> room() {
      return Optional.of(roomId);
    }

    @Override
    public String type() {
      return "member.left";
    }
  }

  /**
   * A user's first connection to a node opened.
   *
   * @param id the event id
   * @param at when
   * @param user who
   */
  record UserOnline(String id, Instant at, UserId user) implements ChatEvent {
    /** Checks the fields. */
    public UserOnline {
      requireIdAndTime(id, at);
      Objects.requireNonNull(user, "user");
    }

    @Override
    public Optional<RoomId> room() {
      return Optional.empty();
    }

    @Override
    public String type() {
      return "user.online";
    }
  }

  /**
   * A user's last connection to a node closed.
   *
   * @param id the event id
   * @param at when
   * @param user who
   */
  record UserOffline(String id, Instant at, UserId user) implements ChatEvent {
    /** Checks the fields. */
    public UserOffline {
      requireIdAndTime(id, at);
      Objects.requireNonNull(user, "user");
    }

    @Override
    public Optional<RoomId> room() {
      return Optional.empty();
    }

    @Override
    public String type() {
      return "user.offline";
    }
  }

  private static void requireIdAndTime(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty() || id.length() > 256) {
      throw new IllegalArgumentException("an event id has 1 to 256 characters, not " + id.length());
    }
    Objects.requireNonNull(at, "at");
  }
}
