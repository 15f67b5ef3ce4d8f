package dev.parley.chat.server.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one node lets each user do, over all of the user's connections to it: how many connections,
 * how many rooms, and how many sends, joins and history reads a second (one token bucket each). The
 * buckets of a user survive the user's connections for as long as they are not full again, so that
 * reconnecting does not refill them. Thread-safe: each user's state has its own monitor.
 *
 * <p>Per node: in a cluster each node counts only the connections it holds (see decision 0029).
 */
final class UserLimits {
  /** What a per-user token bucket counts. */
  enum Action {
    SEND,
    JOIN,
    HISTORY_READ
  }

  private final AbuseLimits limits;
  private final Clock clock;
  private final ConcurrentHashMap<UserId, UserState> users = new ConcurrentHashMap<>();

  UserLimits(AbuseLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Counts a newly authenticated session against its user's connection limit.
   *
   * @return false when the user already has {@code maxConnectionsPerUser} sessions (nothing
   *     counted)
   */
  boolean connected(ServerSession session) {
    while (true) {
      UserState state = users.computeIfAbsent(session.user(), u -> new UserState());
      synchronized (state) {
        if (state.retired) {
          continue; // swept meanwhile: start again with a fresh one
        }
        if (state.sessions.size() >= limits.maxConnectionsPerUser()) {
          return false;
        }
        state.sessions.add(session);
      }
      if (session.state() == ServerSession.State.CLOSED) {
        disconnected(session); // closed while being counted: its close may have missed it
      }
      return true;
    }
  }

  /** Forgets a session; safe to call more than once, and for sessions never counted. */
  void disconnected(ServerSession session) {
    UserId user = session.user();
    UserState state = user == null ? null : users.get(user);
    if (state != null) {
      synchronized (state) {
        state.sessions.remove(session);
      }
    }
  }

  /**
   * Takes a token from the user's bucket for {@code action}.
   *
   * @return 0 when taken; otherwise the milliseconds until the user may try again
   */
  long tryTake(ServerSession session, Action action) {
    UserState state = users.computeIfAbsent(session.user(), u -> new UserState());
    synchronized (state) {
      // a retired state is no longer in the map; taking from it only lets this request through
      return state.bucket(action).tryTake(clock.millis());
    }
  }

  /**
   * Reserves room {@code id} for a join by {@code session} within the user's room limit. The room
   * counts as one of the user's rooms from now until {@link #joinEnded} (and afterwards while any
   * of the user's sessions is in it).
   *
   * @return false when the user is in {@code maxRoomsPerUser} other rooms already
   */
  boolean reserveRoom(ServerSession session, RoomId id) {
    UserState state = users.get(session.user());
    if (state == null) {
      return true; // not counted (closed meanwhile): nothing to protect
    }
    synchronized (state) {
      Set<RoomId> rooms = new HashSet<>(state.joining.keySet());
      for (ServerSession s : state.sessions) {
        rooms.addAll(s.rooms().keySet());
      }
      if (!rooms.contains(id) && rooms.size() >= limits.maxRoomsPerUser()) {
        return false;
      }
      state.joining.merge(id, 1, Integer::sum);
      return true;
    }
  }

  /** The join {@link #reserveRoom reserved} for ended, joined or not. */
  void joinEnded(ServerSession session, RoomId id) {
    UserState state = users.get(session.user());
    if (state != null) {
      synchronized (state) {
        state.joining.computeIfPresent(id, (room, n) -> n == 1 ? null : n - 1);
      }
    }
  }

  /** Forgets users with no session and full buckets. Called now and then by the server's timer. */
  void sweep() {
    long now = clock.millis();
    users.forEach(
        (user, state) -> {
          synchronized (state) {
            if (state.sessions.isEmpty() && state.joining.isEmpty() && state.isRested(now)) {
              state.retired = true;
              users.remove(user, state);
            }
          }
        });
  }

  /** Users with state kept, for tests. */
  int trackedUsers() {
    return users.size();
  }

  /** One user's counts. Guarded by its own monitor. */
  private final class UserState {
    final Set<ServerSession> sessions = new HashSet<>();
    final Map<RoomId, Integer> joining = new HashMap<>();
    final TokenBucket sends = bucket(limits.sends());
    final TokenBucket joins = bucket(limits.joins());
    final TokenBucket historyReads = bucket(limits.historyReads());
    boolean retired;

    private TokenBucket bucket(AbuseLimits.Rate rate) {
      return new TokenBucket(rate.perSecond(), rate.burst(), clock.millis());
    }

    TokenBucket bucket(Action action) {
      return switch (action) {
        case SEND -> sends;
        case JOIN -> joins;
        case HISTORY_READ -> historyReads;
      };
    }

    boolean isRested(long now) {
      return sends.isFull(now) && joins.isFull(now) && historyReads.isFull(now);
    }
  }
}
