package dev.parley.chat.server;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.MemberAccess;
import dev.parley.chat.spi.RoomAccessStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link RoomAccessStore}: rooms' access state in this JVM's memory, lost on restart
 * and not shared with other nodes (give a cluster a shared store, such as the JDBC one). Every
 * method completes at once on the caller's thread. Thread-safe: each room's state is changed under
 * its own lock.
 */
public final class InMemoryRoomAccessStore implements RoomAccessStore {
  private final Map<RoomId, RoomState> rooms = new ConcurrentHashMap<>();

  /** The state of one created room; guarded by its own monitor. */
  private static final class RoomState {
    RoomVisibility visibility;
    final Map<UserId, RoomRole> roles = new HashMap<>();
    final Map<UserId, Instant> bans = new HashMap<>();
    final Map<UserId, String> banReasons = new HashMap<>();
    final Map<UserId, Instant> mutes = new HashMap<>();

    RoomState(RoomVisibility visibility) {
      this.visibility = visibility;
    }

    long owners() {
      return roles.values().stream().filter(r -> r == RoomRole.OWNER).count();
    }
  }

  @Override
  public CompletionStage<Boolean> create(RoomId room, RoomVisibility visibility, UserId owner) {
    Objects.requireNonNull(room, "room");
    Objects.requireNonNull(visibility, "visibility");
    RoomState fresh = new RoomState(visibility);
    if (owner != null) {
      fresh.roles.put(owner, RoomRole.OWNER);
    }
    return done(rooms.putIfAbsent(room, fresh) == null);
  }

  @Override
  public CompletionStage<Optional<MemberAccess>> access(RoomId room, UserId user) {
    Objects.requireNonNull(user, "user");
    RoomState state = rooms.get(Objects.requireNonNull(room, "room"));
    if (state == null) {
      return done(Optional.empty());
    }
    synchronized (state) {
      return done(
          Optional.of(
              new MemberAccess(
                  state.visibility,
                  state.roles.get(user),
                  state.bans.get(user),
                  state.banReasons.get(user),
                  state.mutes.get(user))));
    }
  }

  @Override
  public CompletionStage<Boolean> setVisibility(RoomId room, RoomVisibility visibility) {
    Objects.requireNonNull(visibility, "visibility");
    RoomState state = rooms.get(Objects.requireNonNull(room, "room"));
    if (state == null) {
      return done(false);
    }
    synchronized (state) {
      state.visibility = visibility;
    }
    return done(true);
  }

  @Override
  public CompletionStage<RoleChange> setRole(RoomId room, UserId user, RoomRole role) {
    Objects.requireNonNull(user, "user");
    RoomState state = rooms.get(Objects.requireNonNull(room, "room"));
    if (state == null) {
      return done(RoleChange.NO_ROOM);
    }
    synchronized (state) {
      if (state.roles.get(user) == RoomRole.OWNER
          && role != RoomRole.OWNER
          && state.owners() == 1) {
        return done(RoleChange.LAST_OWNER);
      }
      if (role == null) {
        state.roles.remove(user);
      } else {
        state.roles.put(user, role);
      }
    }
    return done(RoleChange.CHANGED);
  }

  @Override
  public CompletionStage<Boolean> restrict(
      RoomId room, UserId user, Restriction kind, Instant until, String reason) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(until, "until");
    RoomState state = rooms.get(Objects.requireNonNull(room, "room"));
    if (state == null) {
      return done(false);
    }
    synchronized (state) {
      if (kind == Restriction.BAN) {
        state.bans.put(user, until);
        state.banReasons.put(user, reason == null ? "" : reason);
      } else {
        state.mutes.put(user, until);
      }
    }
    return done(true);
  }

  @Override
  public CompletionStage<Boolean> lift(RoomId room, UserId user, Restriction kind) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(kind, "kind");
    RoomState state = rooms.get(Objects.requireNonNull(room, "room"));
    if (state == null) {
      return done(false);
    }
    synchronized (state) {
      if (kind == Restriction.BAN) {
        state.banReasons.remove(user);
        return done(state.bans.remove(user) != null);
      }
      return done(state.mutes.remove(user) != null);
    }
  }

  /** Nothing to release. */
  @Override
  public void close() {}

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
