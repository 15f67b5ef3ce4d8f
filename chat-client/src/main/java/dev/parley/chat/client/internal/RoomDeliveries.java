package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.RoomPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's joined rooms and what arrives for them: live messages (ordered by each room's
 * {@link RoomSequencer}), presence, typing and read receipts. As the sequencers' sink it hands
 * messages and gaps to the listener and asks the {@link Fetcher} for history pages.
 *
 * <p>The room map is shared with the session, which reads it without the lock for {@code room(id)};
 * everything else runs under the session's lock.
 */
final class RoomDeliveries implements RoomSequencer.Sink {
  private static final Logger log = LoggerFactory.getLogger(RoomDeliveries.class);

  /** Reads a FORWARD history page for a sequencer. */
  interface Fetcher {
    void fetch(RoomId room, long fromSeq);
  }

  private final RealChatSession session;
  private final SessionEvents events;
  private final ConcurrentMap<RoomId, JoinedRoom> rooms;
  private final int maxBuffered;
  private Fetcher fetcher;

  RoomDeliveries(
      RealChatSession session,
      SessionEvents events,
      ConcurrentMap<RoomId, JoinedRoom> rooms,
      int maxBuffered) {
    this.session = session;
    this.events = events;
    this.rooms = rooms;
    this.maxBuffered = maxBuffered;
  }

  void setFetcher(Fetcher fetcher) {
    this.fetcher = fetcher;
  }

  JoinedRoom get(RoomId id) {
    return id == null ? null : rooms.get(id);
  }

  JoinedRoom get(String idText) {
    return get(ProtocolMapper.roomOrNull(idText));
  }

  List<JoinedRoom> all() {
    return new ArrayList<>(rooms.values());
  }

  /** A first Joined: live delivery starts after the room's head; older messages are history. */
  JoinedRoom create(RoomId id, Joined joined) {
    JoinedRoom room =
        new JoinedRoom(id, joined.getHeadSeq(), joined.getEpoch(), maxBuffered, this, session);
    room.setOnline(joined.getOnlineList());
    rooms.put(id, room);
    return room;
  }

  /**
   * Joined again (a rejoin in Welcome, or a repeated Join): catch up from the listener's seq. A
   * head below what the listener was given, or a new epoch, means the room's history was reset
   * (docs/protocol.md §7): the room starts over after the new head, and the listener is told.
   */
  void joinedAgain(JoinedRoom room, Joined joined) {
    room.setOnline(joined.getOnlineList());
    long epoch = joined.getEpoch();
    long head = joined.getHeadSeq();
    long last = room.sequencer.lastDelivered();
    boolean newEpoch = room.epoch != 0 && epoch != 0 && epoch != room.epoch;
    if (epoch != 0) {
      room.epoch = epoch;
    }
    if (newEpoch || head < last) {
      room.sequencer.restartAt(head);
      room.lastSeq = head;
      events.error(
          new ChatException(
              ErrorCode.INTERNAL,
              "the history of "
                  + room.id
                  + " was reset by the server ("
                  + (newEpoch ? "new epoch " + epoch : "head " + head + " is below seq " + last)
                  + "); the room starts over after seq "
                  + head));
      return;
    }
    room.sequencer.joined(head, joined.getFirstSeq());
  }

  JoinedRoom remove(RoomId id) {
    return rooms.remove(id);
  }

  void clear() {
    rooms.clear();
  }

  /** Connect.resume: every joined room with the highest seq the listener has been given. */
  List<RoomPosition> positions() {
    List<RoomPosition> positions = new ArrayList<>();
    for (JoinedRoom room : rooms.values()) {
      positions.add(ProtocolMapper.position(room.id, room.sequencer.lastDelivered()));
    }
    return positions;
  }

  void connectionLost() {
    for (JoinedRoom room : rooms.values()) {
      room.sequencer.connectionLost();
    }
  }

  /** A pushed frame about a room: a message, presence, typing or a read receipt. */
  void pushed(Envelope envelope) {
    switch (envelope.getBodyCase()) {
      case MESSAGE -> live(envelope.getMessage());
      case PRESENCE -> {
        var presence = envelope.getPresence();
        JoinedRoom room = get(presence.getRoom());
        UserId user = userOrNull(presence.getUser());
        if (room != null && user != null) {
          if (presence.getOnline()) {
            room.online.add(user);
          } else {
            room.online.remove(user);
          }
          events.presence(room.id, user, presence.getOnline());
        }
      }
      case TYPING -> {
        var typing = envelope.getTyping();
        JoinedRoom room = get(typing.getRoom());
        UserId user = userOrNull(typing.getUser());
        if (room != null && user != null) {
          events.typing(room.id, user, typing.getActive());
        }
      }
      case READ_RECEIPT -> {
        var receipt = envelope.getReadReceipt();
        JoinedRoom room = get(receipt.getRoom());
        UserId user = userOrNull(receipt.getUser());
        if (room != null && user != null) {
          events.readReceipt(room.id, user, receipt.getSeq());
        }
      }
      default ->
          throw new IllegalArgumentException("not a pushed frame: " + envelope.getBodyCase());
    }
  }

  private void live(Message frame) {
    ChatMessage message;
    try {
      message = ProtocolMapper.message(frame);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      log.warn(
          "ignoring an invalid message (room {}, seq {}): {}",
          frame.getRoom(),
          frame.getSeq(),
          e.getMessage());
      return;
    }
    JoinedRoom room = rooms.get(message.room());
    if (room != null) {
      room.sequencer.live(message);
    }
  }

  @Override
  public void deliver(ChatMessage message) {
    JoinedRoom room = rooms.get(message.room());
    if (room != null) {
      room.lastSeq = message.seq();
    }
    events.message(message);
  }

  @Override
  public void gap(RoomId room, long fromSeq, long toSeq) {
    events.gap(room, fromSeq, toSeq);
  }

  @Override
  public void fetch(RoomId room, long fromSeq) {
    fetcher.fetch(room, fromSeq);
  }

  private static UserId userOrNull(String text) {
    try {
      return UserId.of(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
