package dev.parley.chat.client.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Joined;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One room the session has joined: its delivery state, who is online in it, and the handle given to
 * the application. Mutated under the session's lock; {@link #lastSeq} and {@link #online} may be
 * read from any thread.
 */
final class JoinedRoom {
  final RoomId id;
  final RoomSequencer sequencer;
  final RealRoomHandle handle;
  final Set<UserId> online = ConcurrentHashMap.newKeySet();
  volatile long lastSeq;
  volatile RoomRole role = RoomRole.MEMBER;
  volatile RoomVisibility visibility = RoomVisibility.PUBLIC;
  long epoch;

  JoinedRoom(
      RoomId id,
      long headSeq,
      long epoch,
      int maxBuffered,
      RoomSequencer.Sink sink,
      RealChatSession session) {
    this.id = id;
    this.sequencer = new RoomSequencer(id, headSeq, maxBuffered, sink);
    this.lastSeq = sequencer.lastDelivered();
    this.epoch = epoch;
    this.handle = new RealRoomHandle(session, this);
  }

  /** The user's role and the room's visibility, as a Joined frame says them. */
  void setAccess(Joined joined) {
    RoomRole r = EnvelopeCodec.roleOrNull(joined.getRole());
    role = r == null ? RoomRole.MEMBER : r;
    RoomVisibility v = EnvelopeCodec.visibilityOrNull(joined.getVisibility());
    visibility = v == null ? RoomVisibility.PUBLIC : v;
  }

  void setOnline(Iterable<String> users) {
    online.clear();
    for (String user : users) {
      try {
        online.add(UserId.of(user));
      } catch (IllegalArgumentException ignored) {
        // A malformed user id from the server is left out.
      }
    }
  }
}
