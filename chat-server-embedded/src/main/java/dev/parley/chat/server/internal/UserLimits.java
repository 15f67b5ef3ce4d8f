package dev.parley.chat.server.internal;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
      Set<RoomId> rooms = new HashSet<>(state.joining == null ? Set.of() : state.joining.keySet());
      for (ServerSession s : state.sessions) {
        rooms.addAll(s.rooms().keySet());
      }
      if (!rooms.contains(id) && rooms.size() >= limits.maxRoomsPerUser()) {
        return false;
      }
      if (state.joining == null) {
        state.joining = new HashMap<>(4);
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
        if (state.joining != null) {
          state.joining.computeIfPresent(id, (room, n) -> n == 1 ? null : n - 1);
          if (state.joining.isEmpty()) {
            state.joining = null;
          }
        }
      }
    }
  }

  /** Forgets users with no session and full buckets. Called now and then by the server's timer. */
  void sweep() {
    long now = clock.millis();
    users.forEach(
        (user, state) -> {
          synchronized (state) {
            if (state.sessions.isEmpty() && state.joining == null && state.isRested(now)) {
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

  /**
   * One user's counts. Guarded by its own monitor. Kept small, as there is one per connected user:
   * most users have one session, join nothing at this moment and have not used a bucket yet, which
   * starts full (so one made on first use is the same as one made up front).
   */
  private final class UserState {
    final List<ServerSession> sessions = new ArrayList<>(1);
    Map<RoomId, Integer> joining; // null while no join is on its way
    private TokenBucket sends;
    private TokenBucket joins;
    private TokenBucket historyReads;
    boolean retired;

    private TokenBucket bucket(AbuseLimits.Rate rate) {
      return new TokenBucket(rate.perSecond(), rate.burst(), clock.millis());
    }

    TokenBucket bucket(Action action) {
      return switch (action) {
        case SEND -> sends != null ? sends : (sends = bucket(limits.sends()));
        case JOIN -> joins != null ? joins : (joins = bucket(limits.joins()));
        case HISTORY_READ ->
            historyReads != null ? historyReads : (historyReads = bucket(limits.historyReads()));
      };
    }

    boolean isRested(long now) {
      return (sends == null || sends.isFull(now))
          && (joins == null || joins.isFull(now))
          && (historyReads == null || historyReads.isFull(now));
    }
  }
}
