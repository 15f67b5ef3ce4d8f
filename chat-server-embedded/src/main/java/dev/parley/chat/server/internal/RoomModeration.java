package dev.parley.chat.server.internal;

import static dev.parley.chat.server.internal.Replies.frame;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomPermission;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.CreateRoom;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Moderate;
import dev.parley.chat.protocol.internal.ModerationAction;
import dev.parley.chat.protocol.internal.SetRoomVisibility;
import dev.parley.chat.spi.RoomAccessStore.Restriction;
import dev.parley.chat.spi.RoomAccessStore.RoleChange;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The moderation stage: creating rooms, changing their visibility, and acting on a user of a room
 * (invite, kick, ban, unban, mute, unmute, set role), for clients ({@code CreateRoom}, {@code
 * Moderate}, {@code SetRoomVisibility}) and for the server application ({@code ServerRooms}, with
 * no acting user: it may do everything). What an actor may do is the permission stage's rule
 * ({@link RoomAccess.Standing}); the actor's and the target's standing are read from the store
 * afresh, never from the cache. After a change, the target's standing on this node is read again
 * and enforced at once.
 *
 * <p>Stateless apart from its collaborators; thread-safe. Answers on the store's threads.
 */
final class RoomModeration {
  /** The longest ban or mute: ten years. */
  static final Duration MAX_RESTRICTION = Duration.ofDays(3650);

  /** The longest reason kept, in characters. */
  static final int MAX_REASON_CHARS = 200;

  private final ServerContext context;
  private final Supplier<Collection<ServerSession>> sessions;

  RoomModeration(ServerContext context, Supplier<Collection<ServerSession>> sessions) {
    this.context = context;
    this.sessions = sessions;
  }

  // --- Client requests ---

  void create(ServerSession session, long requestId, CreateRoom request) {
    RoomId room = RoomArguments.parse(session, requestId, request.getRoom());
    if (room == null) {
      return;
    }
    RoomVisibility visibility = EnvelopeCodec.visibilityOrNull(request.getVisibility());
    answer(
        session,
        requestId,
        room,
        create(
            session.user(),
            room,
            visibility == null ? RoomVisibility.PUBLIC : visibility,
            session.user()));
  }

  void visibility(ServerSession session, long requestId, SetRoomVisibility request) {
    RoomId room = RoomArguments.parse(session, requestId, request.getRoom());
    if (room == null) {
      return;
    }
    RoomVisibility visibility = EnvelopeCodec.visibilityOrNull(request.getVisibility());
    answer(session, requestId, room, setVisibility(session.user(), room, visibility));
  }

  void moderate(ServerSession session, long requestId, Moderate request) {
    RoomId room = RoomArguments.parse(session, requestId, request.getRoom());
    if (room == null) {
      return;
    }
    UserId target = EnvelopeCodec.userOrNull(request.getUser());
    CompletableFuture<?> done;
    if (target == null) {
      done = invalid("user " + quoted(request.getUser()) + " is not a valid user id");
    } else {
      done =
          moderate(
              session.user(),
              room,
              target,
              request.getAction(),
              request.getAction() == ModerationAction.ACTION_BAN
                      || request.getAction() == ModerationAction.ACTION_MUTE
                  ? Duration.ofMillis(request.getDurationMs())
                  : null,
              request.getReason(),
              EnvelopeCodec.roleOrNull(request.getRole()));
    }
    answer(session, requestId, room, done);
  }

  private static void answer(
      ServerSession session, long requestId, RoomId room, CompletableFuture<?> done) {
    done.whenComplete(
        (ignored, failure) -> {
          if (failure != null) {
            session.reply(
                frame(EnvelopeCodec.errorFrame(requestId, Replies.toError(failure, room))));
          } else {
            session.reply(frame(EnvelopeCodec.roomActionDone(requestId, room)));
          }
        });
  }

  // --- The operations; actor null: the server application ---

  /** Creates a room; {@code owner} null for none. */
  CompletableFuture<Void> create(
      UserId actor, RoomId room, RoomVisibility visibility, UserId owner) {
    if (room.isDirect()) {
      return invalid("direct rooms are not created: join " + room + " instead");
    }
    CompletableFuture<Boolean> allowed =
        actor == null
            ? CompletableFuture.completedFuture(true)
            : CompletableFuture.supplyAsync(
                () -> context.roomPolicy().mayJoin(actor, room), context.workers());
    return allowed
        .thenCompose(
            ok -> {
              if (!ok) {
                throw RoomAccess.notAllowedToJoin(actor, room);
              }
              if (context.rooms().loaded(room).getNow(null) != null) {
                throw exists(room);
              }
              return context.store().position(room);
            })
        .thenCompose(
            position -> {
              if (position.headSeq() > 0) {
                throw exists(room);
              }
              return context.events().create(context.access().store(), room, visibility, owner);
            })
        .thenAccept(
            created -> {
              if (!created) {
                throw exists(room);
              }
              context.access().forgetRoom(room);
              if (owner != null) {
                context.events().roomCreated(room, owner);
              }
            });
  }

  /** Makes a room public or private; the application creates it if it was not. */
  CompletableFuture<Void> setVisibility(UserId actor, RoomId room, RoomVisibility visibility) {
    if (room.isDirect()) {
      return invalid("direct rooms have no visibility");
    }
    if (visibility == null) {
      return invalid("say which visibility: public or private");
    }
    return actorStanding(actor, room, RoomPermission.CHANGE_ROOM, "change the visibility")
        .thenCompose(actorStanding -> context.access().store().setVisibility(room, visibility))
        .thenCompose(
            changed -> {
              context.access().forgetRoom(room);
              Room loaded = context.rooms().loaded(room).getNow(null);
              if (loaded == null) {
                return CompletableFuture.completedFuture(null);
              }
              List<CompletableFuture<?>> checks =
                  loaded.localUsers().stream()
                      .<CompletableFuture<?>>map(u -> context.access().fresh(room, u))
                      .toList();
              return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new));
            });
  }

  /**
   * One action on {@code target}.
   *
   * @param duration for BAN and MUTE, else ignored
   * @param role for SET_ROLE (required) and INVITE (default MEMBER), else ignored
   * @return completes with how many sessions were taken out of the room on this node
   */
  CompletableFuture<Integer> moderate(
      UserId actor,
      RoomId room,
      UserId target,
      ModerationAction action,
      Duration duration,
      String reason,
      RoomRole role) {
    String bad = badRequest(actor, room, target, action, duration, reason, role);
    if (bad != null) {
      return invalid(bad);
    }
    RoomPermission needed =
        switch (action) {
          case ACTION_INVITE ->
              role == RoomRole.OWNER || role == RoomRole.MODERATOR
                  ? RoomPermission.CHANGE_ROOM
                  : RoomPermission.INVITE;
          case ACTION_KICK -> RoomPermission.KICK;
          case ACTION_BAN, ACTION_UNBAN -> RoomPermission.BAN;
          case ACTION_MUTE, ACTION_UNMUTE -> RoomPermission.MUTE;
          default -> RoomPermission.CHANGE_ROOM;
        };
    String verb = verb(action);
    return actorStanding(actor, room, needed, verb)
        .thenCompose(
            actorStanding ->
                context
                    .access()
                    .fresh(room, target)
                    .thenCompose(
                        targetStanding -> {
                          RoomRole targetRole =
                              targetStanding.role() == null
                                  ? RoomRole.MEMBER
                                  : targetStanding.role();
                          if (actor != null
                              && outranked(action)
                              && !actorStanding.role().outranks(targetRole)) {
                            throw new ChatException(
                                ErrorCode.FORBIDDEN,
                                actor
                                    + " may not "
                                    + verb
                                    + " "
                                    + target
                                    + ", a "
                                    + targetRole
                                    + " of "
                                    + room);
                          }
                          return act(
                              actor, room, target, action, duration, reason, role, targetStanding);
                        }));
  }

  private CompletableFuture<Integer> act(
      UserId actor,
      RoomId room,
      UserId target,
      ModerationAction action,
      Duration duration,
      String reason,
      RoomRole role,
      RoomAccess.Standing targetStanding) {
    var store = context.access().store();
    String because = reason == null || reason.isEmpty() ? "" : ": " + reason;
    return switch (action) {
      case ACTION_INVITE -> {
        CompletableFuture<?> grant =
            targetStanding.access().orElseThrow().role() != null
                ? CompletableFuture.completedFuture(null)
                : context
                    .events()
                    .setRole(store, room, target, role == null ? RoomRole.MEMBER : role)
                    .toCompletableFuture()
                    .thenApply(
                        change -> {
                          if (change == RoleChange.CHANGED) {
                            context.events().memberJoined(room, target);
                          }
                          return change;
                        });
        yield grant
            .thenCompose(v -> context.access().fresh(room, target))
            .thenApply(
                standing -> {
                  OutboundFrame invited =
                      new OutboundFrame(EnvelopeCodec.invited(room, actor, standing.role()));
                  for (ServerSession s : sessions.get()) {
                    if (s.state() == ServerSession.State.OPEN && target.equals(s.user())) {
                      s.deliver(invited);
                    }
                  }
                  return 0;
                });
      }
      case ACTION_KICK -> {
        int removed =
            context
                .access()
                .remove(
                    room,
                    target,
                    "kicked from " + room + (actor == null ? "" : " by " + actor) + because);
        boolean member = targetStanding.access().orElseThrow().role() != null;
        CompletableFuture<?> revoke =
            targetStanding.visibility() == RoomVisibility.PRIVATE && member
                ? context
                    .events()
                    .setRole(store, room, target, null)
                    .toCompletableFuture()
                    .thenApply(
                        change -> {
                          if (change == RoleChange.CHANGED) {
                            context.events().memberLeft(room, target);
                          }
                          return change;
                        })
                : CompletableFuture.completedFuture(null);
        yield revoke.thenCompose(v -> context.access().fresh(room, target)).thenApply(v -> removed);
      }
      case ACTION_BAN, ACTION_MUTE -> {
        Restriction kind =
            action == ModerationAction.ACTION_BAN ? Restriction.BAN : Restriction.MUTE;
        yield store
            .restrict(
                room,
                target,
                kind,
                context.access().now().plus(duration),
                reason == null ? "" : reason)
            .toCompletableFuture()
            .thenCompose(v -> context.access().fresh(room, target))
            .thenApply(v -> 0);
      }
      case ACTION_UNBAN, ACTION_UNMUTE ->
          store
              .lift(
                  room,
                  target,
                  action == ModerationAction.ACTION_UNBAN ? Restriction.BAN : Restriction.MUTE)
              .toCompletableFuture()
              .thenCompose(v -> context.access().fresh(room, target))
              .thenApply(v -> 0);
      default ->
          context
              .events()
              .setRole(store, room, target, role)
              .toCompletableFuture()
              .thenCompose(
                  change -> {
                    boolean wasMember =
                        targetStanding.access().map(a -> a.role() != null).orElse(false);
                    if (change != RoleChange.LAST_OWNER && change != RoleChange.NO_ROOM) {
                      if (role == null && wasMember) {
                        context.events().memberLeft(room, target);
                      } else if (role != null && !wasMember) {
                        context.events().memberJoined(room, target);
                      }
                    }
                    if (change == RoleChange.LAST_OWNER) {
                      throw new ChatException(
                          ErrorCode.FORBIDDEN,
                          room
                              + " must keep an owner: "
                              + target
                              + " is its last; make another owner first");
                    }
                    return context.access().fresh(room, target);
                  })
              .thenApply(v -> 0);
    };
  }

  /**
   * The acting user's standing, fresh from the store, once it holds {@code needed}; the application
   * (actor null) holds everything, and its first action on a room never created creates it, public
   * and without owner. Someone outside a private room, and anyone acting on a room never created,
   * gets the same {@code NOT_A_MEMBER}: the answer says nothing of the room.
   */
  private CompletableFuture<RoomAccess.Standing> actorStanding(
      UserId actor, RoomId room, RoomPermission needed, String verb) {
    if (actor == null) {
      return context
          .access()
          .store()
          .create(room, RoomVisibility.PUBLIC, null)
          .toCompletableFuture()
          .thenApply(created -> null);
    }
    return context
        .access()
        .fresh(room, actor)
        .thenApply(
            standing -> {
              if (!standing.created() || standing.outsider()) {
                throw new ChatException(
                    ErrorCode.NOT_A_MEMBER, actor + " is not a member of " + room);
              }
              if (!standing.may(needed)) {
                throw new ChatException(
                    ErrorCode.FORBIDDEN,
                    actor
                        + (standing.banned() ? " is banned and" : ", a " + standing.role() + ",")
                        + " may not "
                        + verb
                        + " in "
                        + room);
              }
              return standing;
            });
  }

  /** What is wrong with a moderation request before anything is read, or null. */
  private static String badRequest(
      UserId actor,
      RoomId room,
      UserId target,
      ModerationAction action,
      Duration duration,
      String reason,
      RoomRole role) {
    if (room.isDirect()) {
      return "direct rooms have no roles or moderation";
    }
    if (action == null
        || action == ModerationAction.ACTION_UNSPECIFIED
        || action == ModerationAction.UNRECOGNIZED) {
      return "say which action: invite, kick, ban, unban, mute, unmute or set role";
    }
    if (action == ModerationAction.ACTION_BAN || action == ModerationAction.ACTION_MUTE) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        return "a "
            + verb(action)
            + " needs a positive duration, not "
            + (duration == null ? "none" : duration.toMillis() + " ms");
      }
      if (duration.compareTo(MAX_RESTRICTION) > 0) {
        return "a " + verb(action) + " lasts at most " + MAX_RESTRICTION.toDays() + " days";
      }
    }
    if (action == ModerationAction.ACTION_SET_ROLE && role == null) {
      return "say which role: owner, moderator, member or reader";
    }
    if (reason != null && reason.length() > MAX_REASON_CHARS) {
      return "a reason is at most " + MAX_REASON_CHARS + " characters";
    }
    if (reason != null && MessageIntake.invalidText(reason) != null) {
      return "the reason is not valid Unicode";
    }
    if (actor != null && actor.equals(target) && outranked(action)) {
      return "you may not " + verb(action) + " yourself";
    }
    return null;
  }

  /** Whether the action needs the actor to outrank the target. */
  private static boolean outranked(ModerationAction action) {
    return switch (action) {
      case ACTION_KICK, ACTION_BAN, ACTION_UNBAN, ACTION_MUTE, ACTION_UNMUTE -> true;
      default -> false;
    };
  }

  private static String verb(ModerationAction action) {
    return switch (action) {
      case ACTION_INVITE -> "invite";
      case ACTION_KICK -> "kick";
      case ACTION_BAN -> "ban";
      case ACTION_UNBAN -> "unban";
      case ACTION_MUTE -> "mute";
      case ACTION_UNMUTE -> "unmute";
      case ACTION_SET_ROLE -> "set roles";
      default -> "act";
    };
  }

  private static ChatException exists(RoomId room) {
    return new ChatException(ErrorCode.ALREADY_EXISTS, "room " + room + " exists already");
  }

  private static String quoted(String text) {
    return "'" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'";
  }

  private static <T> CompletableFuture<T> invalid(String message) {
    return CompletableFuture.failedFuture(new ChatException(ErrorCode.INVALID_ARGUMENT, message));
  }
}
