package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;

/**
 * The room a request names, checked: a valid id, a well-formed direct room, a room the session has
 * joined. Each check answers the client itself when it fails. Stateless.
 */
final class RoomArguments {
  private RoomArguments() {}

  /** The room id, or null after answering {@code INVALID_ARGUMENT}. */
  static RoomId parse(ServerSession session, long requestId, String text) {
    try {
      return RoomId.of(text);
    } catch (IllegalArgumentException e) {
      error(session, requestId, ErrorCode.INVALID_ARGUMENT, e.getMessage(), null);
      return null;
    }
  }

  /** The joined room the request names, or null after answering with the reason it is not. */
  static Room member(ServerSession session, long requestId, String text) {
    RoomId id = parse(session, requestId, text);
    if (id == null) {
      return null;
    }
    Room room = session.rooms().get(id);
    if (room == null) {
      error(session, requestId, ErrorCode.NOT_A_MEMBER, RoomAccess.notJoined(id).reason(), id);
    }
    return room;
  }

  /**
   * What is wrong with a direct room id ({@code dm:<user>:<user>}, two different valid user ids in
   * sorted order, as {@link RoomId#direct} builds it), or null if nothing is or it is not direct.
   */
  static String malformedDirect(RoomId id) {
    if (!id.isDirect()) {
      return null;
    }
    String[] users = id.value().substring(RoomId.DIRECT_PREFIX.length()).split(":", -1);
    String form = "a direct room id is dm:<user>:<user> with two different users in sorted order";
    if (users.length != 2 || users[0].isEmpty() || users[1].isEmpty()) {
      return form + " (build it with RoomId.direct); " + id + " does not name two users";
    }
    try {
      UserId.of(users[0]);
      UserId.of(users[1]);
    } catch (IllegalArgumentException e) {
      return form + "; in " + id + ": " + e.getMessage();
    }
    int order = users[0].compareTo(users[1]);
    if (order == 0) {
      return form + "; " + id + " names the same user twice";
    }
    if (order > 0) {
      return form + "; write " + RoomId.DIRECT_PREFIX + users[1] + ":" + users[0] + ", not " + id;
    }
    return null;
  }
}
