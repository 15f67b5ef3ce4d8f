package dev.parley.chat.testkit.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventOutbox;
import dev.parley.chat.spi.MemberAccess;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.spi.RoomAccessStore.Restriction;
import dev.parley.chat.spi.RoomAccessStore.RoleChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RoomAccessStore} keeps: a room is created once, every change is read
 * back exactly (by a second store over the same storage too), a room never loses its last owner,
 * and changes to rooms never created change nothing; and a store that adds events to an outbox
 * writes them with their change or not at all. Subclass it and implement {@link #newStore()} and
 * {@link #sameStorage(RoomAccessStore)} (and {@link #outboxOf} for a store that adds events); each
 * test gets a fresh store and closes it afterwards. Not thread-safe (one test at a time per
 * instance, as JUnit runs them).
 */
public abstract class RoomAccessStoreConformanceSuite {
  private static final RoomId ROOM = RoomId.of("lobby");
  private static final UserId ALICE = UserId.of("alice");
  private static final UserId BOB = UserId.of("bob");
  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00.123Z");

  private final List<RoomAccessStore> opened = new ArrayList<>();
  private RoomAccessStore store;

  /** A new store with nothing in it. */
  protected abstract RoomAccessStore newStore() throws Exception;

  /**
   * A second store over the same storage as {@code store} (what another node sees), or {@code
   * store} itself for a store whose state lives in one object.
   */
  protected abstract RoomAccessStore sameStorage(RoomAccessStore store) throws Exception;

  /**
   * The outbox {@code store} adds its events to ({@link RoomAccessStore#addsEventsTo}), empty and
   * read by nothing else; empty (the default) for a store that adds none, which skips those tests.
   */
  protected Optional<EventOutbox> outboxOf(RoomAccessStore store) throws Exception {
    return Optional.empty();
  }

  /** Longest a store operation may take in these tests. */
  protected long timeoutSeconds() {
    return 30;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    for (RoomAccessStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  private <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(timeoutSeconds(), TimeUnit.SECONDS);
  }

  private MemberAccess access(RoomAccessStore s, UserId user) throws Exception {
    return await(s.access(ROOM, user)).orElseThrow();
  }

  @Test
  void aRoomNeverCreatedHasNoAccessState() throws Exception {
    assertThat(await(store.access(ROOM, ALICE))).isEmpty();
  }

  @Test
  void creatingARoomMakesTheCreatorItsOwner() throws Exception {
    assertThat(await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE))).isTrue();
    MemberAccess alice = access(store, ALICE);
    assertThat(alice.visibility()).isEqualTo(RoomVisibility.PRIVATE);
    assertThat(alice.role()).isEqualTo(RoomRole.OWNER);
    assertThat(access(store, BOB)).isEqualTo(MemberAccess.none(RoomVisibility.PRIVATE));
  }

  @Test
  void aRoomCreatedWithoutOwnerHasNoMembers() throws Exception {
    assertThat(await(store.create(ROOM, RoomVisibility.PUBLIC, null))).isTrue();
    assertThat(access(store, ALICE)).isEqualTo(MemberAccess.none(RoomVisibility.PUBLIC));
  }

  @Test
  void aSecondCreateChangesNothing() throws Exception {
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    assertThat(await(store.create(ROOM, RoomVisibility.PUBLIC, BOB))).isFalse();
    assertThat(access(store, ALICE).visibility()).isEqualTo(RoomVisibility.PRIVATE);
    assertThat(access(store, BOB).role()).isNull();
  }

  @Test
  void concurrentCreatesCreateOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        UserId owner = UserId.of("owner-" + i);
        results.add(
            CompletableFuture.supplyAsync(
                    () -> store.create(ROOM, RoomVisibility.PRIVATE, owner), pool)
                .thenCompose(CompletionStage::toCompletableFuture));
      }
      long created = 0;
      for (CompletableFuture<Boolean> r : results) {
        created += r.get(timeoutSeconds(), TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(created).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rolesAreSetReadAndRemoved() throws Exception {
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    for (RoomRole role : RoomRole.values()) {
      assertThat(await(store.setRole(ROOM, BOB, role))).isEqualTo(RoleChange.CHANGED);
      assertThat(access(store, BOB).role()).isEqualTo(role);
    }
    assertThat(await(store.setRole(ROOM, BOB, null))).isEqualTo(RoleChange.CHANGED);
    assertThat(access(store, BOB).role()).isNull();
  }

  @Test
  void theLastOwnerCannotBeDemotedOrRemoved() throws Exception {
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    assertThat(await(store.setRole(ROOM, ALICE, RoomRole.MODERATOR)))
        .isEqualTo(RoleChange.LAST_OWNER);
    assertThat(await(store.setRole(ROOM, ALICE, null))).isEqualTo(RoleChange.LAST_OWNER);
    assertThat(access(store, ALICE).role()).isEqualTo(RoomRole.OWNER);
    assertThat(await(store.setRole(ROOM, ALICE, RoomRole.OWNER))).isEqualTo(RoleChange.CHANGED);
  }

  @Test
  void anOwnerMayStepDownOnceAnotherOwnerExists() throws Exception {
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    await(store.setRole(ROOM, BOB, RoomRole.OWNER));
    assertThat(await(store.setRole(ROOM, ALICE, RoomRole.MEMBER))).isEqualTo(RoleChange.CHANGED);
    assertThat(await(store.setRole(ROOM, BOB, RoomRole.MEMBER))).isEqualTo(RoleChange.LAST_OWNER);
  }

  @Test
  void twoOwnersSteppingDownAtOnceLeaveOne() throws Exception {
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    await(store.setRole(ROOM, BOB, RoomRole.OWNER));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      var a =
          CompletableFuture.supplyAsync(() -> store.setRole(ROOM, ALICE, RoomRole.MEMBER), pool)
              .thenCompose(CompletionStage::toCompletableFuture);
      var b =
          CompletableFuture.supplyAsync(() -> store.setRole(ROOM, BOB, RoomRole.MEMBER), pool)
              .thenCompose(CompletionStage::toCompletableFuture);
      List<RoleChange> outcomes =
          List.of(
              a.get(timeoutSeconds(), TimeUnit.SECONDS), b.get(timeoutSeconds(), TimeUnit.SECONDS));
      assertThat(outcomes).containsExactlyInAnyOrder(RoleChange.CHANGED, RoleChange.LAST_OWNER);
    } finally {
      pool.shutdownNow();
    }
    long owners = 0;
    for (UserId u : List.of(ALICE, BOB)) {
      owners += access(store, u).role() == RoomRole.OWNER ? 1 : 0;
    }
    assertThat(owners).isEqualTo(1);
  }

  @Test
  void visibilityChanges() throws Exception {
    await(store.create(ROOM, RoomVisibility.PUBLIC, ALICE));
    assertThat(await(store.setVisibility(ROOM, RoomVisibility.PRIVATE))).isTrue();
    assertThat(access(store, BOB).visibility()).isEqualTo(RoomVisibility.PRIVATE);
  }

  @Test
  void bansAndMutesKeepTheirEndAndReason() throws Exception {
    await(store.create(ROOM, RoomVisibility.PUBLIC, ALICE));
    await(store.setRole(ROOM, BOB, RoomRole.MEMBER));
    assertThat(await(store.restrict(ROOM, BOB, Restriction.BAN, LATER, "spam"))).isTrue();
    assertThat(await(store.restrict(ROOM, BOB, Restriction.MUTE, LATER.plusSeconds(1), "")))
        .isTrue();
    MemberAccess bob = access(store, BOB);
    assertThat(bob.bannedUntil()).isEqualTo(LATER);
    assertThat(bob.banReason()).isEqualTo("spam");
    assertThat(bob.mutedUntil()).isEqualTo(LATER.plusSeconds(1));
    assertThat(bob.role()).isEqualTo(RoomRole.MEMBER);
    assertThat(bob.bannedAt(LATER.minusMillis(1))).isTrue();
    assertThat(bob.bannedAt(LATER)).isFalse();
  }

  @Test
  void aNewRestrictionReplacesTheOldOne() throws Exception {
    await(store.create(ROOM, RoomVisibility.PUBLIC, ALICE));
    await(store.restrict(ROOM, BOB, Restriction.BAN, LATER, "spam"));
    await(store.restrict(ROOM, BOB, Restriction.BAN, LATER.plusSeconds(60), "again"));
    assertThat(access(store, BOB).bannedUntil()).isEqualTo(LATER.plusSeconds(60));
    assertThat(access(store, BOB).banReason()).isEqualTo("again");
  }

  @Test
  void liftingRemovesOnlyThatKind() throws Exception {
    await(store.create(ROOM, RoomVisibility.PUBLIC, ALICE));
    await(store.restrict(ROOM, BOB, Restriction.BAN, LATER, "spam"));
    await(store.restrict(ROOM, BOB, Restriction.MUTE, LATER, ""));
    assertThat(await(store.lift(ROOM, BOB, Restriction.BAN))).isTrue();
    assertThat(await(store.lift(ROOM, BOB, Restriction.BAN))).isFalse();
    MemberAccess bob = access(store, BOB);
    assertThat(bob.bannedUntil()).isNull();
    assertThat(bob.banReason()).isEmpty();
    assertThat(bob.mutedUntil()).isEqualTo(LATER);
  }

  @Test
  void restrictionsInOneRoomDoNotReachAnother() throws Exception {
    RoomId other = RoomId.of("other");
    await(store.create(ROOM, RoomVisibility.PUBLIC, ALICE));
    await(store.create(other, RoomVisibility.PUBLIC, ALICE));
    await(store.restrict(ROOM, BOB, Restriction.BAN, LATER, ""));
    await(store.setRole(ROOM, BOB, RoomRole.READER));
    assertThat(await(store.access(other, BOB))).contains(MemberAccess.none(RoomVisibility.PUBLIC));
  }

  @Test
  void changesToARoomNeverCreatedChangeNothing() throws Exception {
    assertThat(await(store.setVisibility(ROOM, RoomVisibility.PRIVATE))).isFalse();
    assertThat(await(store.setRole(ROOM, BOB, RoomRole.OWNER))).isEqualTo(RoleChange.NO_ROOM);
    assertThat(await(store.restrict(ROOM, BOB, Restriction.BAN, LATER, ""))).isFalse();
    assertThat(await(store.lift(ROOM, BOB, Restriction.BAN))).isFalse();
    assertThat(await(store.access(ROOM, BOB))).isEqualTo(Optional.empty());
  }

  @Test
  void anotherStoreOverTheSameStorageSeesEveryChange() throws Exception {
    RoomAccessStore other = sameStorage(store);
    if (other != store) {
      opened.add(other);
    }
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    await(store.setRole(ROOM, BOB, RoomRole.MODERATOR));
    await(store.restrict(ROOM, BOB, Restriction.MUTE, LATER, ""));
    assertThat(access(other, BOB))
        .isEqualTo(new MemberAccess(RoomVisibility.PRIVATE, RoomRole.MODERATOR, null, "", LATER));
    assertThat(await(other.create(ROOM, RoomVisibility.PUBLIC, BOB))).isFalse();
  }

  // --- events in the change's transaction (stores that add events) ---

  private EventOutbox eventOutbox() throws Exception {
    Optional<EventOutbox> outbox = outboxOf(store);
    assumeTrue(outbox.isPresent(), "this store adds no events to an outbox");
    assertThat(store.addsEventsTo(outbox.get())).as("adds events to its outbox").isTrue();
    return outbox.get();
  }

  private List<String> idsIn(EventOutbox outbox) throws Exception {
    return await(outbox.next(100)).stream().map(e -> e.event().id()).toList();
  }

  private static ChatEvent joined(String id, UserId user) {
    return new ChatEvent.MemberJoined(id, LATER, ROOM, user);
  }

  /** Records the roles each call saw and answers with {@code events}. */
  private static final class Recorder implements RoomAccessStore.ChangeEvents {
    final List<String> calls = new ArrayList<>();
    private final List<ChatEvent> events;

    Recorder(ChatEvent... events) {
      this.events = List.of(events);
    }

    @Override
    public List<ChatEvent> of(RoomRole before, RoomRole after) {
      calls.add(before + "->" + after);
      return events;
    }
  }

  @Test
  void aCreateWritesItsEventsWithTheRoomAndARepeatedCreateWritesNone() throws Exception {
    EventOutbox outbox = eventOutbox();
    Recorder first = new Recorder(joined("created-1", ALICE));

    assertThat(await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE, first))).isTrue();

    assertThat(first.calls).containsExactly("null->OWNER");
    assertThat(idsIn(outbox)).containsExactly("created-1");
    Recorder again = new Recorder(joined("created-2", BOB));
    assertThat(await(store.create(ROOM, RoomVisibility.PUBLIC, BOB, again))).isFalse();
    assertThat(again.calls).isEmpty();
    assertThat(idsIn(outbox)).containsExactly("created-1");
  }

  @Test
  void aRoleChangeWritesTheEventsItsRolesCallFor() throws Exception {
    EventOutbox outbox = eventOutbox();
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    Recorder grant = new Recorder(joined("bob-joined", BOB));
    Recorder promote = new Recorder();
    Recorder remove = new Recorder(new ChatEvent.MemberLeft("bob-left", LATER, ROOM, BOB));

    assertThat(await(store.setRole(ROOM, BOB, RoomRole.MEMBER, grant)))
        .isEqualTo(RoleChange.CHANGED);
    assertThat(await(store.setRole(ROOM, BOB, RoomRole.MODERATOR, promote)))
        .isEqualTo(RoleChange.CHANGED);
    assertThat(await(store.setRole(ROOM, BOB, null, remove))).isEqualTo(RoleChange.CHANGED);

    assertThat(grant.calls).containsExactly("null->MEMBER");
    assertThat(promote.calls).containsExactly("MEMBER->MODERATOR");
    assertThat(remove.calls).containsExactly("MODERATOR->null");
    assertThat(idsIn(outbox)).containsExactly("bob-joined", "bob-left");
    assertThat(access(store, BOB).role()).isNull();
  }

  @Test
  void aRefusedRoleChangeWritesNoEvents() throws Exception {
    EventOutbox outbox = eventOutbox();
    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    Recorder lastOwner = new Recorder(new ChatEvent.MemberLeft("alice-left", LATER, ROOM, ALICE));
    Recorder noRoom = new Recorder(joined("nowhere", BOB));

    assertThat(await(store.setRole(ROOM, ALICE, null, lastOwner))).isEqualTo(RoleChange.LAST_OWNER);
    assertThat(await(store.setRole(RoomId.of("never-created"), BOB, RoomRole.MEMBER, noRoom)))
        .isEqualTo(RoleChange.NO_ROOM);

    assertThat(lastOwner.calls).isEmpty();
    assertThat(noRoom.calls).isEmpty();
    assertThat(idsIn(outbox)).isEmpty();
  }

  @Test
  void eventsThatFailLeaveTheirChangeUndone() throws Exception {
    EventOutbox outbox = eventOutbox();
    RoomAccessStore.ChangeEvents broken =
        (before, after) -> {
          throw new IllegalStateException("no events today");
        };

    assertThatThrownBy(() -> await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE, broken)))
        .hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(await(store.access(ROOM, ALICE))).as("the room was not created").isEmpty();

    await(store.create(ROOM, RoomVisibility.PRIVATE, ALICE));
    assertThatThrownBy(() -> await(store.setRole(ROOM, BOB, RoomRole.MEMBER, broken)))
        .hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(access(store, BOB).role()).as("bob did not become a member").isNull();
    assertThat(idsIn(outbox)).isEmpty();
  }

  @Test
  void aStoreAddsEventsOnlyToItsOwnOutbox() throws Exception {
    EventOutbox own = eventOutbox();
    RoomAccessStore other = newStore();
    opened.add(other);
    EventOutbox othersOutbox = outboxOf(other).orElseThrow();

    assertThat(store.addsEventsTo(othersOutbox)).isFalse();
    assertThat(other.addsEventsTo(own)).isFalse();
  }
}
