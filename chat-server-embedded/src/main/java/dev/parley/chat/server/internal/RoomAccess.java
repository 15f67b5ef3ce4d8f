package dev.parley.chat.server.internal;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomPermission;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.spi.MemberAccess;
import dev.parley.chat.spi.RoomAccessStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permission stage: the one place that decides what a user may do in a room. Every other stage
 * asks it: {@link Membership} (join, and rejoin on resume), {@link MessageIntake} (send, and the
 * server application's publish), {@link HistoryReads}, {@link RoomSignals} (typing, receipts),
 * {@link RoomModeration} (the moderation requests and the {@code ServerRooms} methods). Presence,
 * typing and receipts of a room reach only its member sessions, so reading them is decided at join.
 *
 * <p>What a user may do follows from their {@link Standing}: the {@link RoomAccessStore}'s entry
 * for (room, user), read through a cache. A room the store does not know was never created: it is
 * public, every user in it is a {@link RoomRole#MEMBER}, and it behaves as rooms always did. Direct
 * rooms are never created; the {@code RoomPolicy} alone governs them.
 *
 * <p>Freshness: a change made through this node is written to the store, then this node's entry is
 * read again and enforced at once (a banned user's sessions here get a pushed Left). Entries are
 * read again in the background once older than the cache period (a stale entry keeps answering
 * meanwhile), and every period the members of each room loaded here are looked up, which triggers
 * that; so a change made on another node takes effect here within one to two periods.
 *
 * <p>Thread-safe. Lookups complete on the store's threads, or at once from the cache.
 */
final class RoomAccess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RoomAccess.class);

  /** One cache entry's key. */
  record Key(RoomId room, UserId user) {}

  /**
   * A user's standing in a room at one instant, and every rule that follows from it.
   *
   * @param access the store's entry, empty for a room never created
   * @param now the instant bans and mutes are compared with
   */
  record Standing(Optional<MemberAccess> access, Instant now) {
    static Standing ungoverned(Instant now) {
      return new Standing(Optional.empty(), now);
    }

    boolean created() {
      return access.isPresent();
    }

    RoomVisibility visibility() {
      return access.map(MemberAccess::visibility).orElse(RoomVisibility.PUBLIC);
    }

    /**
     * The user's role: their own, else {@link RoomRole#MEMBER} in a public room; null for someone
     * outside a private room.
     */
    RoomRole role() {
      if (access.isEmpty()) {
        return RoomRole.MEMBER;
      }
      MemberAccess a = access.get();
      if (a.role() != null) {
        return a.role();
      }
      return a.visibility() == RoomVisibility.PUBLIC ? RoomRole.MEMBER : null;
    }

    /** Whether the user is outside a private room: they may learn nothing about it. */
    boolean outsider() {
      return role() == null;
    }

    boolean banned() {
      return access.isPresent() && access.get().bannedAt(now);
    }

    boolean muted() {
      return access.isPresent() && access.get().mutedAt(now);
    }

    /** When the user's mute ends, or null if they are not muted. */
    Instant mutedUntil() {
      return muted() ? access.get().mutedUntil() : null;
    }

    /** Whether the user may be in the room: join, read, see presence, typing and receipts. */
    boolean mayRead() {
      RoomRole role = role();
      return role != null && !banned() && role.may(RoomPermission.READ);
    }

    /** Whether the user may send messages and typing notices now. */
    boolean maySend() {
      RoomRole role = role();
      return mayRead() && !muted() && role.may(RoomPermission.SEND);
    }

    /** Whether the user holds {@code permission} now (a banned user holds none). */
    boolean may(RoomPermission permission) {
      RoomRole role = role();
      return role != null && !banned() && role.may(permission);
    }
  }

  private final RoomAccessStore store;
  private final Clock clock;
  private final Duration timeout;
  private final AsyncLoadingCache<Key, Optional<MemberAccess>> cache;
  // each room's visibility as last read for any user, for callers that must not wait for a read
  private final Cache<RoomId, RoomVisibility> visibilities;
  private final ScheduledFuture<?> sweep;
  private final RoomRegistry rooms;
  private final ServerHooks hooks;

  RoomAccess(
      RoomAccessStore store,
      AccessSettings settings,
      Clock clock,
      Duration timeout,
      Executor workers,
      ScheduledExecutorService scheduler,
      RoomRegistry rooms,
      ServerHooks hooks) {
    this.store = store;
    this.rooms = rooms;
    this.hooks = hooks;
    this.clock = clock;
    this.timeout = timeout;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(settings.cacheMaxEntries())
            .refreshAfterWrite(settings.cacheTtl())
            .expireAfterAccess(settings.cacheTtl().multipliedBy(12))
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .executor(workers)
            .buildAsync(
                new AsyncCacheLoader<>() {
                  @Override
                  public CompletableFuture<Optional<MemberAccess>> asyncLoad(
                      Key key, Executor executor) {
                    return read(key).thenApply(access -> enforced(key, access));
                  }

                  @Override
                  public CompletableFuture<Optional<MemberAccess>> asyncReload(
                      Key key, Optional<MemberAccess> old, Executor executor) {
                    return read(key).thenApply(access -> enforced(key, access));
                  }
                });
    this.visibilities =
        Caffeine.newBuilder()
            .maximumSize(settings.cacheMaxEntries())
            .expireAfterWrite(settings.cacheTtl().multipliedBy(12))
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .build();
    long period = settings.cacheTtl().toMillis();
    this.sweep =
        scheduler.scheduleAtFixedRate(this::lookUpMembers, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * What a read found, after removing the user's sessions from the room on this node if they may no
   * longer be in it.
   */
  private Optional<MemberAccess> enforced(Key key, Optional<MemberAccess> access) {
    Standing standing = new Standing(access, clock.instant());
    visibilities.put(key.room(), standing.visibility());
    if (!standing.mayRead()) {
      remove(key.room(), key.user(), removalReason(key.room(), standing));
    }
    return access;
  }

  /** Why a user is taken out of a room they may no longer read. */
  static String removalReason(RoomId room, Standing standing) {
    if (standing.banned()) {
      MemberAccess a = standing.access().orElseThrow();
      return "banned from "
          + room
          + " until "
          + a.bannedUntil()
          + (a.banReason().isEmpty() ? "" : ": " + a.banReason());
    }
    return "no longer a member of " + room;
  }

  /**
   * Takes every session of {@code user} out of the room on this node, each told with a pushed Left
   * carrying {@code reason}; the session listeners hear of each.
   *
   * @return how many sessions were removed
   */
  int remove(RoomId room, UserId user, String reason) {
    CompletableFuture<Room> loaded = rooms.loaded(room);
    Room r = loaded.getNow(null);
    if (r == null) {
      return 0;
    }
    List<ServerSession> removed =
        r.removeUser(user, new OutboundFrame(EnvelopeCodec.leftNotice(room, reason)));
    for (ServerSession session : removed) {
      hooks.left(session, room);
    }
    if (!removed.isEmpty()) {
      log.debug("{}: removed {} session(s) of {}: {}", room, removed.size(), user, reason);
    }
    return removed.size();
  }

  RoomAccessStore store() {
    return store;
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * The user's standing in the room, from the cache if it holds it. Fails with {@code UNAVAILABLE}
   * if the store cannot be read.
   */
  CompletableFuture<Standing> standing(RoomId room, UserId user) {
    if (room.isDirect()) {
      return CompletableFuture.completedFuture(Standing.ungoverned(clock.instant()));
    }
    return cache
        .get(new Key(room, user))
        .handle(
            (access, failure) -> {
              if (failure != null) {
                throw unavailable(room, failure);
              }
              return new Standing(access, clock.instant());
            });
  }

  /**
   * The standing the cache holds, or null if it holds none yet (then it starts reading it). For
   * signals, which are not worth waiting for.
   */
  Standing cachedStanding(RoomId room, UserId user) {
    if (room.isDirect()) {
      return Standing.ungoverned(clock.instant());
    }
    CompletableFuture<Optional<MemberAccess>> entry = cache.get(new Key(room, user));
    Optional<MemberAccess> access = entry.isDone() ? entry.getNow(null) : null;
    return access == null ? null : new Standing(access, clock.instant());
  }

  /** Reads the user's standing from the store now, bypassing and then refreshing the cache. */
  CompletableFuture<Standing> fresh(RoomId room, UserId user) {
    Key key = new Key(room, user);
    CompletableFuture<Optional<MemberAccess>> read = read(key);
    return read.handle(
        (access, failure) -> {
          if (failure != null) {
            cache.synchronous().invalidate(key);
            throw unavailable(room, failure);
          }
          cache.put(key, CompletableFuture.completedFuture(access));
          return new Standing(enforced(key, access), clock.instant());
        });
  }

  /** Forgets every entry of a room (its visibility changed). */
  void forgetRoom(RoomId room) {
    visibilities.invalidate(room);
    cache.synchronous().asMap().keySet().removeIf(key -> key.room().equals(room));
  }

  /**
   * The room's visibility as last read from the store for any user, or null if none was read lately
   * (or the room is a direct one, which has none). Never reads the store: for callers on a
   * delivering thread, such as the download links.
   */
  RoomVisibility cachedVisibility(RoomId room) {
    return room.isDirect() ? null : visibilities.getIfPresent(room);
  }

  /** The Joined frame with the user's role, the room's visibility and their mute. */
  static Joined describe(Joined joined, Standing standing) {
    Joined.Builder b =
        joined.toBuilder().setVisibility(EnvelopeCodec.visibility(standing.visibility()));
    RoomRole role = standing.role();
    if (role != null) {
      b.setRole(EnvelopeCodec.role(role));
    }
    Instant mutedUntil = standing.mutedUntil();
    if (mutedUntil != null) {
      b.setMutedUntilMs(mutedUntil.toEpochMilli());
    }
    return b.build();
  }

  // --- The rules' refusals, worded once ---

  /**
   * Why the user may not join, or null if they may. Someone outside a private room gets exactly
   * what a {@code RoomPolicy} refusal says, so the refusal tells nothing about the room.
   */
  static ChatException joinRefusal(UserId user, RoomId room, Standing standing) {
    if (standing.outsider()) {
      return notAllowedToJoin(user, room);
    }
    if (standing.banned()) {
      MemberAccess a = standing.access().orElseThrow();
      return new ChatException(
          ErrorCode.FORBIDDEN,
          user
              + " is banned from "
              + room
              + " until "
              + a.bannedUntil()
              + (a.banReason().isEmpty() ? "" : ": " + a.banReason()));
    }
    return null;
  }

  /** The refusal of a join by the room policy or by a private room's membership; one wording. */
  static ChatException notAllowedToJoin(UserId user, RoomId room) {
    return new ChatException(ErrorCode.FORBIDDEN, user + " may not join " + room);
  }

  /** What a joined session is told for a room it is not in (or may no longer read). */
  static ChatException notJoined(RoomId room) {
    return new ChatException(ErrorCode.NOT_A_MEMBER, "join " + room + " first");
  }

  /**
   * Why the user may not send (or type) now, or null if they may. {@code fromServer}: a message the
   * application publishes, whose sender need not be a member of a private room.
   */
  static ChatException sendRefusal(
      UserId user, RoomId room, Standing standing, boolean fromServer) {
    if (standing.outsider() && !fromServer) {
      return notJoined(room);
    }
    if (standing.banned()) {
      return new ChatException(ErrorCode.FORBIDDEN, user + " is banned from " + room);
    }
    if (standing.muted()) {
      return new ChatException(
          ErrorCode.FORBIDDEN,
          user + " is muted in " + room + " until " + standing.access().get().mutedUntil());
    }
    RoomRole role = standing.role();
    if (role != null && !role.may(RoomPermission.SEND)) {
      return new ChatException(
          ErrorCode.FORBIDDEN, user + " is a " + role + " of " + room + " and may not send");
    }
    return null;
  }

  private CompletableFuture<Optional<MemberAccess>> read(Key key) {
    try {
      return store
          .access(key.room(), key.user())
          .toCompletableFuture()
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static ChatException unavailable(RoomId room, Throwable failure) {
    Throwable cause = Replies.unwrap(failure);
    if (cause instanceof ChatException chat) {
      return chat;
    }
    log.warn("reading access to {} failed", room, cause);
    return new ChatException(ErrorCode.UNAVAILABLE, "room access cannot be checked now; retry");
  }

  /** Looks up every member of every loaded room: stale entries are read again. */
  private void lookUpMembers() {
    try {
      for (Room room : rooms.loaded()) {
        if (room.id().isDirect()) {
          continue;
        }
        List<UserId> users = List.copyOf(room.localUsers());
        for (UserId user : users) {
          cache.get(new Key(room.id(), user));
        }
      }
    } catch (RuntimeException e) {
      log.warn("checking the members of loaded rooms failed", e);
    }
  }

  @Override
  public void close() {
    sweep.cancel(false);
  }
}
