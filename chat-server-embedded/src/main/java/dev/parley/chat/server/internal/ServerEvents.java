package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.InMemoryEventOutbox;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.spi.RoomAccessStore.RoleChange;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events stage: what the server's other stages report (a message about to be stored and then
 * stored, a room created, a member joining or leaving, a user's first and last connection on this
 * node) becomes {@link ChatEvent}s in the outbox, which the {@link EventRelay} hands to the sink.
 *
 * <p>With a store that has an outbox ({@link MessageStore#outbox()}), a message's event is written
 * by the store in the append's transaction: {@link #forAppend} gives the append its {@code
 * deliveredLive}. Otherwise the events go to an {@link InMemoryEventOutbox} after the append. Room
 * and member events are written by the room access store in the change's transaction when it writes
 * to that same outbox ({@link RoomAccessStore#addsEventsTo}, the JDBC stores over one database);
 * otherwise they are added after their change, and a crash in between loses them, as it loses user
 * online and offline events, which have no stored change.
 *
 * <p>When events are off, every method does nothing. Thread-safe; called on the stages' threads,
 * never blocks.
 */
final class ServerEvents implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerEvents.class);

  private final EventSettings settings; // null: off
  private final EventOutbox outbox;
  private final boolean storeWritesMessages;
  private final boolean accessStoreWritesEvents;
  private final EventRelay relay;
  private final Clock clock;
  private final RandomGenerator random;
  private final ServerMetrics metrics;
  private final Function<RoomId, Set<UserId>> onlineIn;
  private final Map<UserId, Integer> connections = new HashMap<>();
  private final Set<String> welcomed = new HashSet<>();

  /**
   * @param rawStore the application's store (not the breaker around it)
   * @param rawAccessStore the application's room access store
   * @param onlineIn the users connected to a room, on any node, as this node knows them
   */
  ServerEvents(
      EventSettings settings,
      MessageStore rawStore,
      RoomAccessStore rawAccessStore,
      String nodeId,
      Clock clock,
      RandomGenerator random,
      ServerMetrics metrics,
      Function<RoomId, Set<UserId>> onlineIn) {
    this.settings = settings;
    this.clock = clock;
    this.random = random;
    this.metrics = metrics;
    this.onlineIn = onlineIn;
    if (settings == null) {
      this.outbox = null;
      this.storeWritesMessages = false;
      this.accessStoreWritesEvents = false;
      this.relay = null;
      return;
    }
    EventOutbox own = rawStore.outbox().orElse(null);
    this.storeWritesMessages = own != null;
    this.accessStoreWritesEvents = own != null && rawAccessStore.addsEventsTo(own);
    this.outbox = own != null ? own : new InMemoryEventOutbox(clock);
    if (own == null) {
      log.warn(
          "The message store {} keeps no event outbox: events are kept in memory until relayed,"
              + " and a crash loses those not relayed yet",
          rawStore.getClass().getName());
    }
    this.relay = new EventRelay(outbox, settings, nodeId, clock, metrics);
  }

  boolean on() {
    return settings != null;
  }

  void start() {
    if (relay != null) {
      relay.start();
    }
  }

  /**
   * The {@code deliveredLive} of an append to {@code room}: who is connected to it now; {@code
   * null} when events are off or the outbox is full (then {@link #stored} counts the event as
   * dropped).
   */
  Set<UserId> forAppend(RoomId room) {
    if (settings == null) {
      return null;
    }
    if (relay.full()) {
      return null; // counted as dropped by stored(), once the append turns out to be a new message
    }
    return onlineIn.apply(room);
  }

  /**
   * A message was stored (not a duplicate) with the {@code deliveredLive} its append had: null when
   * the outbox was full, so its event is counted as dropped (a duplicate resend or a failed append
   * is not).
   */
  void stored(ChatMessage message, Set<UserId> deliveredLive) {
    if (settings == null) {
      return;
    }
    if (deliveredLive == null) {
      metrics.eventsDropped(1);
      return;
    }
    if (!storeWritesMessages) {
      ((InMemoryEventOutbox) outbox)
          .add(List.of(ChatEvent.MessageStored.of(message, deliveredLive)));
    }
    relay.nudge();
  }

  /**
   * Creates a room in {@code store}: with its events in the same transaction when the store writes
   * them to this outbox ({@link RoomAccessStore#addsEventsTo}; then {@link #roomCreated}, {@link
   * #memberJoined} and {@link #memberLeft} only wake the relay), else plainly (then {@link
   * #roomCreated} adds them).
   */
  CompletionStage<Boolean> create(
      RoomAccessStore store, RoomId room, RoomVisibility visibility, UserId owner) {
    if (!accessStoreWritesEvents) {
      return store.create(room, visibility, owner);
    }
    return store.create(
        room,
        visibility,
        owner,
        (before, after) -> admitted(after == null ? List.of() : roomCreatedEvents(room, owner)));
  }

  /** Sets a role in {@code store}, its member event in the same transaction as {@link #create}. */
  CompletionStage<RoleChange> setRole(
      RoomAccessStore store, RoomId room, UserId user, RoomRole role) {
    if (!accessStoreWritesEvents) {
      return store.setRole(room, user, role);
    }
    return store.setRole(
        room, user, role, (before, after) -> admitted(memberEvents(room, user, before, after)));
  }

  /** A user created a room (and became its owner). */
  void roomCreated(RoomId room, UserId creator) {
    if (settings == null) {
      return;
    }
    if (accessStoreWritesEvents) {
      relay.nudge();
    } else {
      add(roomCreatedEvents(room, creator));
    }
  }

  /** {@code user} became a member of {@code room}. */
  void memberJoined(RoomId room, UserId user) {
    memberChanged(room, user, null, RoomRole.MEMBER);
  }

  /** {@code user} stopped being a member of {@code room}. */
  void memberLeft(RoomId room, UserId user) {
    memberChanged(room, user, RoomRole.MEMBER, null);
  }

  private void memberChanged(RoomId room, UserId user, RoomRole before, RoomRole after) {
    if (settings == null) {
      return;
    }
    if (accessStoreWritesEvents) {
      relay.nudge();
    } else {
      add(memberEvents(room, user, before, after));
    }
  }

  private List<ChatEvent> roomCreatedEvents(RoomId room, UserId creator) {
    return List.of(
        new ChatEvent.RoomCreated(id("room.created", room.value()), clock.instant(), room, creator),
        new ChatEvent.MemberJoined(
            id("member.joined", room.value()), clock.instant(), room, creator));
  }

  /** member.joined when a non-member got a role, member.left when a member lost it; else none. */
  private List<ChatEvent> memberEvents(RoomId room, UserId user, RoomRole before, RoomRole after) {
    if (before == null && after != null) {
      return List.of(
          new ChatEvent.MemberJoined(
              id("member.joined", room.value()), clock.instant(), room, user));
    }
    if (before != null && after == null) {
      return List.of(
          new ChatEvent.MemberLeft(id("member.left", room.value()), clock.instant(), room, user));
    }
    return List.of();
  }

  /**
   * {@code events}, or none when events are off or the outbox is full (then counted as dropped).
   */
  private List<ChatEvent> admitted(List<ChatEvent> events) {
    if (settings == null || events.isEmpty()) {
      return List.of();
    }
    if (relay.full()) {
      metrics.eventsDropped(events.size());
      return List.of();
    }
    return events;
  }

  /** Session {@code sessionId} of {@code user} was welcomed on this node. */
  void connected(String sessionId, UserId user) {
    if (settings == null) {
      return;
    }
    synchronized (connections) {
      if (!welcomed.add(sessionId)) {
        return;
      }
      // added under the lock: a user's online and offline events reach the outbox in order
      if (connections.merge(user, 1, Integer::sum) == 1) {
        add(
            List.of(
                new ChatEvent.UserOnline(id("user.online", user.value()), clock.instant(), user)));
      }
    }
  }

  /** Session {@code sessionId} of {@code user} closed on this node (welcomed or not). */
  void disconnected(String sessionId, UserId user) {
    if (settings == null) {
      return;
    }
    synchronized (connections) {
      if (!welcomed.remove(sessionId)) {
        return;
      }
      if (connections.merge(user, -1, Integer::sum) == 0) {
        connections.remove(user);
        add(
            List.of(
                new ChatEvent.UserOffline(
                    id("user.offline", user.value()), clock.instant(), user)));
      }
    }
  }

  private void add(List<ChatEvent> events) {
    if (admitted(events).isEmpty()) {
      return;
    }
    outbox
        .add(events)
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                metrics.eventsDropped(events.size());
                log.warn(
                    "{} events could not be written to the outbox and are lost: {}",
                    events.size(),
                    Replies.unwrap(failure).toString());
              } else {
                relay.nudge();
              }
            });
  }

  /** A unique event id: type, subject and 64 random bits. */
  private String id(String type, String subject) {
    return type + ":" + subject + ":" + HexFormat.of().toHexDigits(random.nextLong());
  }

  /** What {@code ServerMetrics.Gauges} read. */
  long backlogEvents() {
    return relay == null ? 0 : relay.backlogEvents();
  }

  long maxEvents() {
    return settings == null ? 0 : settings.maxOutboxEvents();
  }

  double oldestAgeSeconds() {
    return relay == null ? 0 : relay.oldestAgeSeconds();
  }

  boolean relaying() {
    return relay != null && relay.leader();
  }

  /** Stops the relay (giving up its lease), then closes the sink. */
  @Override
  public void close() {
    if (relay == null) {
      return;
    }
    relay.close();
    try {
      settings.sink().close();
    } catch (RuntimeException e) {
      log.warn("Closing the event sink failed", e);
    }
  }
}
