package dev.parley.chat.client.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The application's handle on one joined room. Every operation goes to the session, which checks
 * that this handle's room is still joined (a handle outlives neither a leave nor the session).
 * Thread-safe.
 */
final class RealRoomHandle implements RoomHandle {
  private final RealChatSession session;
  private final JoinedRoom room;

  RealRoomHandle(RealChatSession session, JoinedRoom room) {
    this.session = session;
    this.room = room;
  }

  JoinedRoom room() {
    return room;
  }

  @Override
  public RoomId id() {
    return room.id;
  }

  @Override
  public boolean isJoined() {
    return session.isJoined(this);
  }

  @Override
  public CompletableFuture<SendReceipt> send(String text) {
    return send(OutgoingMessage.text(Objects.requireNonNull(text, "text")));
  }

  @Override
  public CompletableFuture<SendReceipt> send(OutgoingMessage message) {
    return session.send(this, Objects.requireNonNull(message, "message"));
  }

  @Override
  public CompletableFuture<HistoryPage> history(long beforeSeq, int limit) {
    if (beforeSeq < 0) {
      throw new IllegalArgumentException("beforeSeq must be 0 (newest) or more, was " + beforeSeq);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, was " + limit);
    }
    return session.history(this, beforeSeq, limit);
  }

  @Override
  public boolean typing(boolean active) {
    return session.typing(this, active);
  }

  @Override
  public boolean markRead(long seq) {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be 1 or more, was " + seq);
    }
    return session.markRead(this, seq);
  }

  @Override
  public Set<UserId> onlineMembers() {
    return Set.copyOf(room.online);
  }

  @Override
  public long lastSeq() {
    return room.lastSeq;
  }

  @Override
  public CompletableFuture<Void> leave() {
    return session.leave(this);
  }

  @Override
  public String toString() {
    return "RoomHandle[" + room.id + ", lastSeq=" + room.lastSeq + "]";
  }
}
