package dev.parley.chat.testkit.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.MessageStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link EventOutbox} contract, for message stores that keep one ({@link
 * MessageStore#outbox()}): a stored message's event written with the message and only when asked
 * for, each room's events in seq order under concurrent appends, entries listed oldest first until
 * removed, other events added in order, the backlog, and the relay lease held by one owner at a
 * time, renewed, released and passed on when it runs out.
 *
 * <p>Subclass it, return a new store over new, empty storage from {@link #newStore()}, and, for a
 * store that nodes share, a second store over the first one's storage from {@link
 * #newStoreOverSameStorage}. The suite closes the stores.
 */
public abstract class EventOutboxConformanceSuite {
  private static final long TIMEOUT_SECONDS = 20;
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId BOB = UserId.of("bob");

  private final List<MessageStore> stores = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private MessageStore store;
  private EventOutbox outbox;

  /** A store with an outbox, over new, empty storage. */
  protected abstract MessageStore newStore() throws Exception;

  /**
   * Another store over the same storage as {@code first}, as a second node would open it; {@code
   * null} (the default) when the store's storage belongs to one process, which skips the case.
   */
  protected MessageStore newStoreOverSameStorage(MessageStore first) throws Exception {
    return null;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    stores.add(store);
    assertThat(store.outbox()).as("the store's outbox").isPresent();
    outbox = store.outbox().orElseThrow();
  }

  @AfterEach
  void closeStores() {
    for (MessageStore s : stores) {
      s.close();
    }
    stores.clear();
  }

  private AppendRequest request(RoomId room, UserId sender, Set<UserId> deliveredLive) {
    long n = ids.incrementAndGet();
    return new AppendRequest(
        room,
        MessageId.of("m" + n),
        sender,
        ClientMessageId.of("c" + n),
        Instant.parse("2026-12-06T10:00:00Z").plusSeconds(n),
        "text " + n,
        new byte[0],
        List.of(),
        deliveredLive);
  }

  private static <T> T get(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private List<EventOutbox.Entry> all() throws Exception {
    return get(outbox.next(100_000));
  }

  @Test
  void aStoredMessagesEventIsInTheOutboxOnceItsAppendCompleted() throws Exception {
    RoomId room = RoomId.of("team.blue");
    AppendResult result = get(store.append(request(room, ALICE, Set.of(ALICE, BOB))));

    List<EventOutbox.Entry> entries = all();
    assertThat(entries).hasSize(1);
    ChatEvent.MessageStored event = (ChatEvent.MessageStored) entries.get(0).event();
    assertThat(event.id()).isEqualTo("message.stored:team.blue:" + result.message().seq());
    assertThat(event.roomId()).isEqualTo(room);
    assertThat(event.seq()).isEqualTo(result.message().seq());
    assertThat(event.messageId()).isEqualTo(result.message().id());
    assertThat(event.sender()).isEqualTo(ALICE);
    assertThat(event.clientMessageId()).isEqualTo(result.message().clientMessageId());
    assertThat(event.at()).isEqualTo(result.message().timestamp().truncatedTo(ChronoUnit.MILLIS));
    assertThat(Set.copyOf(event.deliveredLive())).containsExactlyInAnyOrder(ALICE, BOB);
  }

  @Test
  void anAppendThatAsksForNoEventOrDuplicatesOneWritesNone() throws Exception {
    RoomId room = RoomId.of("lobby");
    get(store.append(request(room, ALICE, null)));
    AppendRequest first = request(room, BOB, Set.of());
    get(store.append(first));
    AppendResult again = get(store.append(first));

    assertThat(again.duplicate()).isTrue();
    List<EventOutbox.Entry> entries = all();
    assertThat(entries).hasSize(1);
    ChatEvent.MessageStored event = (ChatEvent.MessageStored) entries.get(0).event();
    assertThat(event.sender()).isEqualTo(BOB);
    assertThat(event.seq()).isEqualTo(2);
    assertThat(event.deliveredLive()).isEmpty();
  }

  @Test
  void eachRoomsEventsAreListedInSeqOrderUnderConcurrentAppends() throws Exception {
    List<RoomId> rooms = List.of(RoomId.of("r1"), RoomId.of("r2"), RoomId.of("r3"));
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        UserId sender = UserId.of("sender" + t);
        appends.add(
            CompletableFuture.supplyAsync(
                    () -> {
                      List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
                      for (int i = 0; i < 60; i++) {
                        mine.add(store.append(request(rooms.get(i % 3), sender, Set.of(sender))));
                      }
                      return mine;
                    },
                    senders)
                .thenCompose(
                    mine ->
                        CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new))
                            .thenApply(v -> null)));
      }
      for (CompletableFuture<AppendResult> a : appends) {
        get(a);
      }
    } finally {
      senders.shutdownNow();
    }

    Map<RoomId, List<Long>> seqs = new HashMap<>();
    for (EventOutbox.Entry e : all()) {
      ChatEvent.MessageStored m = (ChatEvent.MessageStored) e.event();
      seqs.computeIfAbsent(m.roomId(), r -> new ArrayList<>()).add(m.seq());
    }
    for (RoomId room : rooms) {
      List<Long> expected = new ArrayList<>();
      for (long s = 1; s <= 80; s++) {
        expected.add(s);
      }
      assertThat(seqs.get(room)).as("events of %s", room).isEqualTo(expected);
    }
  }

  @Test
  void entriesAreListedOldestFirstUntilRemoved() throws Exception {
    RoomId room = RoomId.of("lobby");
    for (int i = 0; i < 5; i++) {
      get(store.append(request(room, ALICE, Set.of())));
    }
    List<EventOutbox.Entry> firstTwo = get(outbox.next(2));
    assertThat(firstTwo)
        .extracting(e -> ((ChatEvent.MessageStored) e.event()).seq())
        .containsExactly(1L, 2L);
    assertThat(get(outbox.next(2))).isEqualTo(firstTwo);

    get(outbox.remove(firstTwo));
    get(outbox.remove(firstTwo)); // removing again changes nothing
    assertThat(all())
        .extracting(e -> ((ChatEvent.MessageStored) e.event()).seq())
        .containsExactly(3L, 4L, 5L);
    get(outbox.remove(all()));
    assertThat(all()).isEmpty();
  }

  @Test
  void addedEventsOfEveryKindComeBackIntactInOrderAfterEarlierOnes() throws Exception {
    RoomId room = RoomId.of("team.blue");
    get(store.append(request(room, ALICE, Set.of(ALICE))));
    Instant at = Instant.parse("2026-12-06T10:00:00.123Z");
    List<ChatEvent> added =
        List.of(
            new ChatEvent.RoomCreated("room.created:1", at, room, ALICE),
            new ChatEvent.MemberJoined("member.joined:1", at, room, BOB),
            new ChatEvent.MemberLeft("member.left:1", at, room, BOB),
            new ChatEvent.UserOnline("user.online:1", at, ALICE),
            new ChatEvent.UserOffline("user.offline:1", at, ALICE));
    get(outbox.add(added));
    get(outbox.add(List.of()));

    List<EventOutbox.Entry> entries = all();
    assertThat(entries).hasSize(6);
    assertThat(entries.get(0).event()).isInstanceOf(ChatEvent.MessageStored.class);
    assertThat(entries.subList(1, 6)).extracting(EventOutbox.Entry::event).isEqualTo(added);
  }

  @Test
  void theBacklogCountsWaitingEventsAndKnowsTheOldest() throws Exception {
    assertThat(get(outbox.backlog())).isEqualTo(EventOutbox.Backlog.EMPTY);
    RoomId room = RoomId.of("lobby");
    for (int i = 0; i < 3; i++) {
      get(store.append(request(room, ALICE, Set.of())));
    }
    EventOutbox.Backlog backlog = get(outbox.backlog());
    assertThat(backlog.events()).isEqualTo(3);
    assertThat(backlog.oldest()).isPresent();

    get(outbox.remove(all()));
    assertThat(get(outbox.backlog()).events()).isZero();
  }

  @Test
  void theRelayLeaseHasOneHolderWhoRenewsReleasesOrLetsItRunOut() throws Exception {
    Duration ttl = Duration.ofMillis(400);
    assertThat(get(outbox.holdRelayLease("node-a", ttl))).isTrue();
    assertThat(get(outbox.holdRelayLease("node-b", ttl))).isFalse();
    assertThat(get(outbox.holdRelayLease("node-a", ttl))).as("renewed").isTrue();

    get(outbox.releaseRelayLease("node-b")); // not the holder: nothing changes
    assertThat(get(outbox.holdRelayLease("node-b", ttl))).isFalse();
    get(outbox.releaseRelayLease("node-a"));
    assertThat(get(outbox.holdRelayLease("node-b", ttl))).as("taken after a release").isTrue();

    // node-b stops renewing: once its lease ran out, node-a takes it
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> get(outbox.holdRelayLease("node-a", Duration.ofSeconds(30))));
    assertThat(get(outbox.holdRelayLease("node-b", ttl))).isFalse();
  }

  @Test
  void storesOverTheSameStorageShareTheOutboxAndTheLease() throws Exception {
    MessageStore second = newStoreOverSameStorage(store);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        second != null, "this store's storage belongs to one process");
    stores.add(second);
    EventOutbox other = second.outbox().orElseThrow();
    RoomId room = RoomId.of("lobby");
    get(store.append(request(room, ALICE, Set.of())));
    get(second.append(request(room, BOB, Set.of())));

    assertThat(get(other.next(10)))
        .extracting(e -> ((ChatEvent.MessageStored) e.event()).seq())
        .containsExactly(1L, 2L);
    assertThat(get(outbox.holdRelayLease("node-a", Duration.ofSeconds(30)))).isTrue();
    assertThat(get(other.holdRelayLease("node-b", Duration.ofSeconds(30)))).isFalse();
    get(outbox.releaseRelayLease("node-a"));
    assertThat(get(other.holdRelayLease("node-b", Duration.ofSeconds(30)))).isTrue();
    get(other.remove(get(other.next(10))));
    assertThat(get(outbox.next(10))).isEmpty();
  }
}
