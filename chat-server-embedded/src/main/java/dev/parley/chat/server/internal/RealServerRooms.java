package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.ModerationAction;
import dev.parley.chat.server.ServerRooms;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one {@link ServerRooms} implementation: the application's calls, routed to the same stages a
 * client's requests use. Thread-safe; see the interface.
 */
final class RealServerRooms implements ServerRooms {
  /** Longest WebSocket close reason, in UTF-8 bytes (RFC 6455: 125 bytes less the code). */
  private static final int MAX_CLOSE_REASON_BYTES = 123;

  private final ServerContext context;
  private final ServerCore core;

  RealServerRooms(ServerContext context, ServerCore core) {
    this.context = context;
    this.core = core;
  }

  @Override
  public CompletableFuture<ChatMessage> publish(RoomId room, UserId sender, String text) {
    return publish(
        room,
        sender,
        ClientMessageId.of("server-" + context.messageIds().next().value()),
        text,
        new byte[0]);
  }

  @Override
  public CompletableFuture<ChatMessage> publish(
      RoomId room, UserId sender, ClientMessageId clientMessageId, String text, byte[] payload) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(clientMessageId, "clientMessageId");
    Objects.requireNonNull(text, "text");
    return core.intake()
        .publish(room, sender, clientMessageId, text, payload == null ? new byte[0] : payload);
  }

  @Override
  public CompletableFuture<Set<UserId>> onlineMembers(RoomId room) {
    Objects.requireNonNull(room, "room");
    return context
        .rooms()
        .loaded(room)
        .thenCompose(
            loaded ->
                loaded != null
                    ? CompletableFuture.completedFuture(Set.copyOf(loaded.onlineUsers()))
                    : elsewhere(room));
  }

  /** Who the bus says is online in a room this node has not loaded. */
  private CompletableFuture<Set<UserId>> elsewhere(RoomId room) {
    CompletableFuture<Set<ClusterBus.RemotePresence>> presence;
    try {
      presence =
          context
              .bus()
              .presence(room)
              .orTimeout(RoomRegistry.PRESENCE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      presence = CompletableFuture.failedFuture(e);
    }
    return presence.thenApply(
        online -> {
          Set<UserId> users = new HashSet<>();
          for (ClusterBus.RemotePresence p : online) {
            users.add(p.user());
          }
          return Set.copyOf(users);
        });
  }

  @Override
  public Set<String> sessionsOf(UserId user) {
    Objects.requireNonNull(user, "user");
    Set<String> ids = new HashSet<>();
    for (ServerSession session : sessionsOfUser(user)) {
      ids.add(session.id());
    }
    return Set.copyOf(ids);
  }

  @Override
  public int disconnectUser(UserId user, String reason) {
    Objects.requireNonNull(reason, "reason");
    List<ServerSession> sessions = sessionsOfUser(Objects.requireNonNull(user, "user"));
    for (ServerSession session : sessions) {
      session.close(CloseCodes.NORMAL, closeReason(reason));
    }
    return sessions.size();
  }

  @Override
  public int revoke(UserId user, String reason) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(reason, "reason");
    List<ServerSession> sessions =
        core.sessions().stream().filter(s -> !s.isClosing() && user.equals(s.user())).toList();
    for (ServerSession session : sessions) {
      session.close(CloseCodes.REVOKED, closeReason(reason));
    }
    return sessions.size();
  }

  @Override
  public boolean disconnectSession(String sessionId, String reason) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(reason, "reason");
    ServerSession session = core.session(sessionId);
    if (session == null || session.state() == ServerSession.State.CLOSED) {
      return false;
    }
    session.close(CloseCodes.NORMAL, closeReason(reason));
    return true;
  }

  @Override
  public CompletableFuture<Integer> close(RoomId room, String reason) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(reason, "reason");
    OutboundFrame left = new OutboundFrame(EnvelopeCodec.leftNotice(room, reason));
    return context
        .rooms()
        .loaded(room)
        .thenApply(
            loaded -> {
              if (loaded == null) {
                return 0;
              }
              List<ServerSession> removed = loaded.close(left);
              for (ServerSession session : removed) {
                context.hooks().left(session, room);
              }
              return removed.size();
            });
  }

  @Override
  public CompletableFuture<HistorySlice> history(
      RoomId room, long fromSeq, ReadDirection direction, int limit) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(direction, "direction");
    var bad = MessageStore.checkRead(fromSeq, limit);
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.INVALID_ARGUMENT, bad.get().getMessage()));
    }
    return context.store().read(room, fromSeq, direction, limit);
  }

  @Override
  public CompletableFuture<Void> createRoom(RoomId room, RoomVisibility visibility, UserId owner) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(visibility, "visibility");
    return core.moderation().create(null, room, visibility, owner);
  }

  @Override
  public CompletableFuture<Void> setVisibility(RoomId room, RoomVisibility visibility) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(visibility, "visibility");
    return core.moderation().setVisibility(null, room, visibility);
  }

  @Override
  public CompletableFuture<Void> invite(RoomId room, UserId user, RoomRole role) {
    Objects.requireNonNull(role, "role");
    return moderate(room, user, ModerationAction.ACTION_INVITE, null, null, role)
        .thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Integer> kick(RoomId room, UserId user, String reason) {
    Objects.requireNonNull(reason, "reason");
    return moderate(room, user, ModerationAction.ACTION_KICK, null, reason, null);
  }

  @Override
  public CompletableFuture<Void> ban(RoomId room, UserId user, Duration duration, String reason) {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(reason, "reason");
    return moderate(room, user, ModerationAction.ACTION_BAN, duration, reason, null)
        .thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Void> unban(RoomId room, UserId user) {
    return moderate(room, user, ModerationAction.ACTION_UNBAN, null, null, null)
        .thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Void> mute(RoomId room, UserId user, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return moderate(room, user, ModerationAction.ACTION_MUTE, duration, null, null)
        .thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Void> unmute(RoomId room, UserId user) {
    return moderate(room, user, ModerationAction.ACTION_UNMUTE, null, null, null)
        .thenApply(n -> null);
  }

  @Override
  public CompletableFuture<Void> setRole(RoomId room, UserId user, RoomRole role) {
    Objects.requireNonNull(role, "role");
    return moderate(room, user, ModerationAction.ACTION_SET_ROLE, null, null, role)
        .thenApply(n -> null);
  }

  private CompletableFuture<Integer> moderate(
      RoomId room,
      UserId user,
      ModerationAction action,
      Duration duration,
      String reason,
      RoomRole role) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(user, "user");
    return core.moderation().moderate(null, room, user, action, duration, reason, role);
  }

  private List<ServerSession> sessionsOfUser(UserId user) {
    return core.sessions().stream()
        .filter(s -> s.state() == ServerSession.State.OPEN && user.equals(s.user()))
        .toList();
  }

  private static String closeReason(String reason) {
    String r = reason;
    while (Utf8.length(r) > MAX_CLOSE_REASON_BYTES) {
      int cut = r.length() - 1;
      if (cut > 0 && Character.isLowSurrogate(r.charAt(cut))) {
        cut--;
      }
      r = r.substring(0, cut);
    }
    return r;
  }
}
