package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.Typing;

/**
 * The signals stage: a member's typing state and read receipts, handed to the room's {@link
 * RoomPresence}. Signals are not stored. Stateless; thread-safe; called on the transport thread.
 */
final class RoomSignals {
  void typing(ServerSession session, long requestId, Typing typing) {
    Room room = RoomArguments.member(session, requestId, typing.getRoom());
    if (room != null) {
      room.typing(session, typing.getActive());
    }
  }

  void readReceipt(ServerSession session, long requestId, ReadReceipt receipt) {
    Room room = RoomArguments.member(session, requestId, receipt.getRoom());
    if (room == null) {
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
