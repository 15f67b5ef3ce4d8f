package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.Typing;

/**
 * The signals stage: a member's typing state and read receipts, handed to the room's {@link
 * RoomPresence}, once the permission stage allows them. Signals are not stored. Stateless;
 * thread-safe; called on the transport thread.
 */
final class RoomSignals {
  private final RoomAccess access;

  RoomSignals(RoomAccess access) {
    this.access = access;
  }

  /**
   * A typing notice needs the right to send (a muted member or a reader gets {@code FORBIDDEN}). A
   * notice whose sender's standing is not cached yet is dropped while it is read: typing is
   * fire-and-forget.
   */
  void typing(ServerSession session, long requestId, Typing typing) {
    Room room = RoomArguments.member(session, requestId, typing.getRoom());
    if (room == null) {
      return;
    }
    RoomAccess.Standing standing = access.cachedStanding(room.id(), session.user());
    if (standing == null) {
      return;
    }
    ChatException refused = RoomAccess.sendRefusal(session.user(), room.id(), standing, false);
    if (refused != null) {
      error(session, requestId, refused.code(), refused.reason(), room.id());
      return;
    }
    room.typing(session, typing.getActive());
  }

  void readReceipt(ServerSession session, long requestId, ReadReceipt receipt) {
    Room room = RoomArguments.member(session, requestId, receipt.getRoom());
    if (room == null) {
      return;
    }
    RoomAccess.Standing standing = access.cachedStanding(room.id(), session.user());
    if (standing != null && !standing.mayRead()) {
      error(
          session,
          requestId,
          ErrorCode.NOT_A_MEMBER,
          RoomAccess.notJoined(room.id()).reason(),
          room.id());
      return;
    }
    if (receipt.getSeq() <= 0 || !room.markRead(session, receipt.getSeq())) {
      error(
          session,
          requestId,
          ErrorCode.INVALID_ARGUMENT,
          "seq " + receipt.getSeq() + " is not a message of " + room.id(),
          room.id());
    }
  }
}
