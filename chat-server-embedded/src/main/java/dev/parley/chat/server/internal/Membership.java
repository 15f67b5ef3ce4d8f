package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.error;
import static dev.parley.chat.server.internal.Replies.frame;
import static dev.parley.chat.server.internal.Replies.toError;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Joined;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The membership stage: Join, Leave, and the rejoins of a resuming Connect. Checks the user's join
 * rate (not for rejoins), the room policy (on a worker thread) and the room limits per session and
 * per user ({@link UserLimits}), loads the room, waits until this node has delivered up to the
 * store's head, and adds the session. Stateless apart from its collaborators; thread-safe.
 */
final class Membership {
  private final ServerContext context;

  Membership(ServerContext context) {
    this.context = context;
  }

  void join(ServerSession session, long requestId, String roomText) {
    long retryAfter = context.userLimits().tryTake(session, UserLimits.Action.JOIN);
    if (retryAfter > 0) {
      Replies.rateLimited(session, requestId, "joins", retryAfter);
      return;
    }
    RoomId id = RoomArguments.parse(session, requestId, roomText);
    if (id == null) {
      return;
    }
    enter(session, id, requestId)
        .whenComplete(
            (joined, failure) -> {
              if (failure != null) {
                dev.parley.chat.protocol.internal.Error e = toError(failure, id);
                session.reply(frame(EnvelopeCodec.errorFrame(requestId, e)));
              }
            });
  }

  /** Adds a session to a room during Connect; the Joined goes into the Welcome frame. */
  CompletableFuture<Joined> rejoin(ServerSession session, RoomId id) {
    return enter(session, id, -1);
  }

  /**
   * Checks the policy and limits, loads the room and adds the session. With {@code requestId >= 0}
   * the room queues the Joined answer itself (ordered before live messages) and the future's value
   * is only informative; with {@code -1} (rejoin during Connect) the Joined is returned for the
   * Welcome frame.
   */
  private CompletableFuture<Joined> enter(ServerSession session, RoomId id, long requestId) {
    String malformed = RoomArguments.malformedDirect(id);
    if (malformed != null) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.INVALID_ARGUMENT, malformed));
    }
    if (!session.rooms().containsKey(id)
        && session.rooms().size() >= context.settings().maxRoomsPerSession()) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.LIMIT_EXCEEDED,
              "a session may be in at most "
                  + context.settings().maxRoomsPerSession()
                  + " rooms; leave one first"));
    }
    UserLimits userLimits = context.userLimits();
    if (!userLimits.reserveRoom(session, id)) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.LIMIT_EXCEEDED,
              "user "
                  + session.user()
                  + " may be in at most "
                  + context.settings().abuseLimits().maxRoomsPerUser()
                  + " rooms over all connections; leave one first"));
    }
    // the reservation ends as soon as the session is in the room (its membership counts from
    // then on, before the client hears Joined), or when the join failed
    AtomicBoolean reserved = new AtomicBoolean(true);
    Runnable release =
        () -> {
          if (reserved.compareAndSet(true, false)) {
            userLimits.joinEnded(session, id);
          }
        };
    CompletableFuture<Joined> entered =
        CompletableFuture.supplyAsync(
                () -> context.roomPolicy().mayJoin(session.user(), id), context.workers())
            .thenCompose(
                allowed -> {
                  if (!allowed) {
                    throw RoomAccess.notAllowedToJoin(session.user(), id);
                  }
                  return context.access().standing(id, session.user());
                })
            .thenCompose(
                standing -> {
                  ChatException refused = RoomAccess.joinRefusal(session.user(), id, standing);
                  if (refused != null) {
                    throw refused;
                  }
                  return attach(session, id, requestId, standing, release);
                });
    entered.whenComplete((joined, failure) -> release.run());
    return entered;
  }

  private CompletableFuture<Joined> attach(
      ServerSession session,
      RoomId id,
      long requestId,
      RoomAccess.Standing standing,
      Runnable inRoom) {
    return context
        .rooms()
        .load(id)
        .thenCompose(
            room ->
                context
                    .store()
                    .position(id)
                    .thenCompose(
                        position -> room.reach(position.headSeq()).thenApply(v -> position))
                    .thenCompose(
                        position -> {
                          session.rooms().put(id, room);
                          inRoom.run();
                          Joined joined;
                          if (requestId >= 0) {
                            joined =
                                room.join(
                                        session,
                                        requestId,
                                        position.firstSeq(),
                                        j -> RoomAccess.describe(j, standing),
                                        () -> context.hooks().joined(session, id))
                                    ? Joined.getDefaultInstance()
                                    : null;
                          } else {
                            joined =
                                room.rejoin(
                                    session,
                                    position.firstSeq(),
                                    j -> RoomAccess.describe(j, standing));
                          }
                          if (joined == null) {
                            session.rooms().remove(id, room);
                            // room retired meanwhile
                            return attach(session, id, requestId, standing, inRoom);
                          }
                          // a ban made while this join was on its way is enforced now
                          RoomAccess.Standing now =
                              context.access().cachedStanding(id, session.user());
                          if (now != null && !now.mayRead()) {
                            context
                                .access()
                                .remove(id, session.user(), RoomAccess.removalReason(id, now));
                          }
                          if (session.state() == ServerSession.State.CLOSED) {
                            session.rooms().remove(id);
                            room.leave(session);
                            context.hooks().left(session, id);
                          }
                          return CompletableFuture.completedFuture(joined);
                        }));
  }

  void leave(ServerSession session, long requestId, String roomText) {
    RoomId id = RoomArguments.parse(session, requestId, roomText);
    if (id == null) {
      return;
    }
    Room room = session.rooms().remove(id);
    if (room == null) {
      error(session, requestId, ErrorCode.NOT_A_MEMBER, "not in room " + id, id);
      return;
    }
    room.leave(session);
    context.hooks().left(session, id);
    session.reply(frame(EnvelopeCodec.left(requestId, id)));
  }
}
