package dev.parley.chat.client.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
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
