package dev.parley.chat.client.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.internal.Envelope;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A join, leave or history request waiting for its answer, or a history fill the session asked for
 * itself. Requests other than fills survive a reconnect: they are sent again, with the same request
 * id, once the session has resumed. Not thread-safe: guarded by the session's lock.
 */
final class PendingRequest {
  /** What was asked. */
  enum Kind {
    JOIN,
    LEAVE,
    HISTORY,
    /** CreateRoom, Moderate or SetRoomVisibility, answered by RoomActionDone. */
    ROOM_ACTION,
    /** A FORWARD page the session reads to fill a gap; bound to one connection. */
    FILL
  }

  final long id;
  final Kind kind;
  final RoomId room;
  final Envelope frame;
  final CompletableFuture<RoomHandle> joined;
  final CompletableFuture<Void> left;
  final CompletableFuture<HistoryPage> history;
  final CompletableFuture<Void> done;
  ScheduledFuture<?> timeout;

  private PendingRequest(
      long id,
      Kind kind,
      RoomId room,
      Envelope frame,
      CompletableFuture<RoomHandle> joined,
      CompletableFuture<Void> left,
      CompletableFuture<HistoryPage> history,
      CompletableFuture<Void> done) {
    this.id = id;
    this.done = done;
    this.kind = kind;
    this.room = room;
    this.frame = frame;
    this.joined = joined;
    this.left = left;
    this.history = history;
  }

  static PendingRequest join(long id, RoomId room, Envelope frame) {
    return new PendingRequest(
        id, Kind.JOIN, room, frame, new CompletableFuture<>(), null, null, null);
  }

  static PendingRequest leave(long id, RoomId room, Envelope frame) {
    return new PendingRequest(
        id, Kind.LEAVE, room, frame, null, new CompletableFuture<>(), null, null);
  }

  static PendingRequest history(long id, RoomId room, Envelope frame) {
    return new PendingRequest(
        id, Kind.HISTORY, room, frame, null, null, new CompletableFuture<>(), null);
  }

  static PendingRequest fill(long id, RoomId room, Envelope frame) {
    return new PendingRequest(id, Kind.FILL, room, frame, null, null, null, null);
  }

  static PendingRequest roomAction(long id, RoomId room, Envelope frame) {
    return new PendingRequest(
        id, Kind.ROOM_ACTION, room, frame, null, null, null, new CompletableFuture<>());
  }

  /** The caller's future, whatever its type; null for a fill. */
  CompletableFuture<?> future() {
    return switch (kind) {
      case JOIN -> joined;
      case LEAVE -> left;
      case HISTORY -> history;
      case ROOM_ACTION -> done;
      case FILL -> null;
    };
  }

  void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  @Override
  public String toString() {
    return kind + "#" + id + "(" + room + ")";
  }
}
