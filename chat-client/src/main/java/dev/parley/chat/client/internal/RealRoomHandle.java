package dev.parley.chat.client.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.ModerationAction;
import java.time.Duration;
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
  public RoomRole role() {
    return room.role;
  }

  @Override
  public RoomVisibility visibility() {
    return room.visibility;
  }

  @Override
  public CompletableFuture<Void> invite(UserId user, RoomRole role) {
    Objects.requireNonNull(role, "role");
    return moderate(user, ModerationAction.ACTION_INVITE, null, null, role);
  }

  @Override
  public CompletableFuture<Void> kick(UserId user, String reason) {
    Objects.requireNonNull(reason, "reason");
    return moderate(user, ModerationAction.ACTION_KICK, null, reason, null);
  }

  @Override
  public CompletableFuture<Void> ban(UserId user, Duration duration, String reason) {
    Objects.requireNonNull(reason, "reason");
    return moderate(user, ModerationAction.ACTION_BAN, positive(duration), reason, null);
  }

  @Override
  public CompletableFuture<Void> unban(UserId user) {
    return moderate(user, ModerationAction.ACTION_UNBAN, null, null, null);
  }

  @Override
  public CompletableFuture<Void> mute(UserId user, Duration duration) {
    return moderate(user, ModerationAction.ACTION_MUTE, positive(duration), null, null);
  }

  @Override
  public CompletableFuture<Void> unmute(UserId user) {
    return moderate(user, ModerationAction.ACTION_UNMUTE, null, null, null);
  }

  @Override
  public CompletableFuture<Void> setRole(UserId user, RoomRole role) {
    Objects.requireNonNull(role, "role");
    return moderate(user, ModerationAction.ACTION_SET_ROLE, null, null, role);
  }

  @Override
  public CompletableFuture<Void> setVisibility(RoomVisibility visibility) {
    Objects.requireNonNull(visibility, "visibility");
    return session.roomAction(this, id -> EnvelopeCodec.setRoomVisibility(id, room.id, visibility));
  }

  private CompletableFuture<Void> moderate(
      UserId user, ModerationAction action, Duration duration, String reason, RoomRole role) {
    Objects.requireNonNull(user, "user");
    return session.roomAction(
        this, id -> EnvelopeCodec.moderate(id, room.id, user, action, duration, reason, role));
  }

  private static Duration positive(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, was " + duration);
    }
    return duration;
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
