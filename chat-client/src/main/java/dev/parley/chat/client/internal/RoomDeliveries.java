package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.Presence;
import dev.parley.chat.protocol.internal.PresenceBatch;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.Typing;
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
    return get(EnvelopeCodec.roomOrNull(idText));
  }

  List<JoinedRoom> all() {
    return new ArrayList<>(rooms.values());
  }

  /** A first Joined: live delivery starts after the room's head; older messages are history. */
  JoinedRoom create(RoomId id, Joined joined) {
    JoinedRoom room =
        new JoinedRoom(id, joined.getHeadSeq(), joined.getEpoch(), maxBuffered, this, session);
    room.setOnline(joined.getOnlineList());
    room.setAccess(joined);
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
    room.setAccess(joined);
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
      positions.add(EnvelopeCodec.position(room.id, room.sequencer.lastDelivered()));
    }
    return positions;
  }

  void connectionLost() {
    for (JoinedRoom room : rooms.values()) {
      room.sequencer.connectionLost();
    }
  }

  /** A live message: to its room's sequencer, which delivers in seq order. */
  void onMessage(Message frame) {
    ChatMessage message;
    try {
      message = EnvelopeCodec.chatMessage(frame);
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

  void onPresence(Presence presence) {
    JoinedRoom room = get(presence.getRoom());
    UserId user = EnvelopeCodec.userOrNull(presence.getUser());
    if (room != null && user != null) {
      presence(room, user, presence.getOnline());
    }
  }

  /**
   * A room's presence changes over one window: reported one user at a time, as single Presence
   * frames are. The batch goes to every member, so it may name this session's own user, which is
   * not reported (a single Presence never is).
   */
  void onPresenceBatch(PresenceBatch batch) {
    JoinedRoom room = get(batch.getRoom());
    if (room == null) {
      return;
    }
    UserId me = session.user();
    for (String online : batch.getOnlineList()) {
      UserId user = EnvelopeCodec.userOrNull(online);
      if (user != null && !user.equals(me)) {
        presence(room, user, true);
      }
    }
    for (String offline : batch.getOfflineList()) {
      UserId user = EnvelopeCodec.userOrNull(offline);
      if (user != null && !user.equals(me)) {
        presence(room, user, false);
      }
    }
  }

  private void presence(JoinedRoom room, UserId user, boolean online) {
    boolean changed = online ? room.online.add(user) : room.online.remove(user);
    if (changed) {
      events.presence(room.id, user, online);
    }
  }

  void onTyping(Typing typing) {
    JoinedRoom room = get(typing.getRoom());
    UserId user = EnvelopeCodec.userOrNull(typing.getUser());
    if (room != null && user != null) {
      events.typing(room.id, user, typing.getActive());
    }
  }

  void onReadReceipt(ReadReceipt receipt) {
    JoinedRoom room = get(receipt.getRoom());
    UserId user = EnvelopeCodec.userOrNull(receipt.getUser());
    if (room != null && user != null) {
      events.readReceipt(room.id, user, receipt.getSeq());
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
}
