package dev.parley.chat.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.spi.RoomPosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link MessageStore} keeps: gapless per-room order under concurrency, each
 * caller's appends to a room in the order it made them, idempotent appends, exact paging, retention
 * from the oldest end only, what a restart keeps, attachments kept with their messages, and the
 * blobs kept messages reference ({@link MessageStore#referencedBlobs()}, checked unless the store
 * does not support it). Subclass it and implement {@link #newStore()}, {@link
 * #newStoreKeepingAtMost(int)} and {@link #reopen(MessageStore)}; each test gets a fresh store and
 * closes it afterwards. Not thread-safe (one test at a time per instance, as JUnit runs them).
 */
public abstract class MessageStoreConformanceSuite {
  /** Messages per writer thread in the concurrency test; override to scale. */
  protected int concurrentAppendsPerWriter() {
    return 250;
  }

  /** Longest a store operation may take in these tests. */
  protected long timeoutSeconds() {
    return 30;
  }

  /** A new, empty store. */
  protected abstract MessageStore newStore() throws Exception;

  /**
   * A new, empty store that keeps at most {@code maxPerRoom} of each room's newest messages. A
   * store without retention returns {@code null}, and the retention tests are skipped.
   */
  protected abstract MessageStore newStoreKeepingAtMost(int maxPerRoom) throws Exception;

  /**
   * A store over the same storage as {@code closed}, which the suite has just closed: what a server
   * restart sees. A durable store keeps every room's messages and epoch; a store that loses its
   * history (in memory) must report a different epoch for every room.
   */
  protected abstract MessageStore reopen(MessageStore closed) throws Exception;

  /**
   * A new, empty store with a fault under it that can fail one of its writes on purpose, for the
   * check that a failed append is never overtaken by its sender's later appends. A store that has
   * no such fault returns {@code null}, and that check is skipped.
   */
  protected StoreWithFault newStoreWithAppendFault() throws Exception {
    return null;
  }

  /**
   * A store and the fault under it.
   *
   * @param store the store, which the suite closes
   * @param fault the fault that fails one of its writes
   */
  public record StoreWithFault(MessageStore store, AppendFault fault) {}

  private MessageStore store;
  private final AtomicLong ids = new AtomicLong();

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
    if (extra != null) {
      extra.close();
    }
  }

  private MessageStore extra;

  /** The store under test. */
  protected MessageStore store() {
    return store;
  }

  @Test
  void appendsGetGaplessSeqsStartingAtOne() {
    RoomId room = RoomId.of("conformance-seq");
    for (int i = 1; i <= 20; i++) {
      AppendResult result = append(room, "alice", "c" + i, "m" + i);
      assertThat(result.duplicate()).isFalse();
      assertThat(result.message().seq()).isEqualTo(i);
      assertThat(result.message().text()).isEqualTo("m" + i);
    }
    assertThat(await(store.position(room)).headSeq()).isEqualTo(20);
  }

  @Test
  void roomsAreNumberedIndependently() {
    append(RoomId.of("room-a"), "alice", "a1", "x");
    append(RoomId.of("room-a"), "alice", "a2", "x");
    assertThat(append(RoomId.of("room-b"), "alice", "b1", "y").message().seq()).isEqualTo(1);
  }

  @Test
  void sameSenderAndClientMessageIdIsStoredOnce() {
    RoomId room = RoomId.of("conformance-idem");
    AppendResult first = append(room, "alice", "same", "first text");
    AppendResult again = append(room, "alice", "same", "different text");
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(first.message());
    assertThat(append(room, "bob", "same", "bob's").duplicate())
        .as("client message ids are per sender")
        .isFalse();
    assertThat(await(store.position(room)).headSeq()).isEqualTo(2);
  }

  @Test
  void aClientMessageIdReusedInAnotherRoomFindsTheOriginal() {
    RoomId first = RoomId.of("conformance-reuse-1");
    RoomId second = RoomId.of("conformance-reuse-2");
    AppendResult original = append(first, "alice", "reused", "in the first room");
    AppendResult reused = append(second, "alice", "reused", "in the second room");
    assertThat(reused.duplicate()).isTrue();
    assertThat(reused.message()).isEqualTo(original.message());
    assertThat(reused.message().room()).isEqualTo(first);
    assertThat(await(store.position(second)).headSeq()).isZero();
    assertThat(append(second, "alice", "fresh", "x").message().seq()).isEqualTo(1);
  }

  @Test
  void concurrentAppendsStayGaplessAndUnique() throws Exception {
    RoomId room = RoomId.of("conformance-concurrent");
    int writers = 8;
    int each = concurrentAppendsPerWriter();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<AppendResult>> results = new ArrayList<>();
      List<List<CompletableFuture<AppendResult>>> perWriter = new ArrayList<>();
      List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String sender = "writer" + w;
        tasks.add(
            pool.submit(
                () -> {
                  List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
                  synchronized (perWriter) {
                    perWriter.add(mine);
                  }
                  for (int i = 0; i < each; i++) {
                    CompletableFuture<AppendResult> r =
                        store.append(request(room, sender, "c" + i, "t" + i));
                    mine.add(r);
                    synchronized (results) {
                      results.add(r);
                    }
                    // every writer also retries one earlier message, as a client outbox would
                    if (i % 10 == 9) {
                      CompletableFuture<AppendResult> retry =
                          store.append(request(room, sender, "c" + (i - 5), "t"));
                      synchronized (results) {
                        results.add(retry);
                      }
                    }
                  }
                }));
      }
      for (var task : tasks) {
        task.get(timeoutSeconds(), TimeUnit.SECONDS);
      }
      Set<Long> seqs = new HashSet<>();
      int duplicates = 0;
      for (CompletableFuture<AppendResult> r : results) {
        AppendResult result = r.get(timeoutSeconds(), TimeUnit.SECONDS);
        if (result.duplicate()) {
          duplicates++;
        } else {
          assertThat(seqs.add(result.message().seq()))
              .as("seq %d given twice", result.message().seq())
              .isTrue();
        }
      }
      int total = writers * each;
      assertThat(duplicates).isEqualTo(writers * (each / 10));
      assertThat(seqs).hasSize(total);
      assertThat(seqs).allMatch(s -> s >= 1 && s <= total);
      for (List<CompletableFuture<AppendResult>> mine : perWriter) {
        long previous = 0;
        for (CompletableFuture<AppendResult> r : mine) {
          long seq = r.join().message().seq();
          assertThat(seq)
              .as("one sender's appends keep the order they were made in")
              .isGreaterThan(previous);
          previous = seq;
        }
      }
      List<ChatMessage> all = readAll(room);
      assertThat(all).hasSize(total);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).seq()).isEqualTo(i + 1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pagesBackwardFromTheHeadAndForwardFromASeq() {
    RoomId room = RoomId.of("conformance-paging");
    for (int i = 1; i <= 10; i++) {
      append(room, "alice", "p" + i, "m" + i);
    }
    HistorySlice newest = await(store.read(room, 0, ReadDirection.BACKWARD, 4));
    assertThat(seqs(newest)).containsExactly(7L, 8L, 9L, 10L);
    assertThat(newest.hasMore()).isTrue();
    assertThat(newest.position().headSeq()).isEqualTo(10);

    HistorySlice older = await(store.read(room, 6, ReadDirection.BACKWARD, 4));
    assertThat(seqs(older)).containsExactly(3L, 4L, 5L, 6L);
    assertThat(older.hasMore()).isTrue();

    HistorySlice oldest = await(store.read(room, 2, ReadDirection.BACKWARD, 4));
    assertThat(seqs(oldest)).containsExactly(1L, 2L);
    assertThat(oldest.hasMore()).isFalse();

    HistorySlice forward = await(store.read(room, 4, ReadDirection.FORWARD, 3));
    assertThat(seqs(forward)).containsExactly(4L, 5L, 6L);
    assertThat(forward.hasMore()).isTrue();

    HistorySlice tail = await(store.read(room, 9, ReadDirection.FORWARD, 5));
    assertThat(seqs(tail)).containsExactly(9L, 10L);
    assertThat(tail.hasMore()).isFalse();
  }

  @Test
  void pagingEdgesReturnEmptySlices() {
    RoomId room = RoomId.of("conformance-edges");
    HistorySlice empty = await(store.read(room, 0, ReadDirection.BACKWARD, 10));
    assertThat(empty.messages()).isEmpty();
    assertThat(empty.hasMore()).isFalse();
    assertThat(empty.position().headSeq()).isZero();
    append(room, "alice", "e1", "only");
    assertThat(await(store.read(room, 2, ReadDirection.FORWARD, 10)).messages()).isEmpty();
    assertThat(seqs(await(store.read(room, 99, ReadDirection.BACKWARD, 10)))).containsExactly(1L);
  }

  @Test
  void storedMessagesKeepEveryField() {
    RoomId room = RoomId.of("conformance-fields");
    AppendRequest request =
        new AppendRequest(
            room,
            MessageId.of("M" + ids.incrementAndGet()),
            UserId.of("alice"),
            ClientMessageId.of("f1"),
            Instant.ofEpochMilli(1_700_000_000_123L),
            "text with ünïcode ✓ and emoji 😀",
            new byte[] {0, 1, 2, (byte) 0xff});
    ChatMessage stored = await(store.append(request)).message();
    ChatMessage read = await(store.read(room, 1, ReadDirection.FORWARD, 1)).messages().get(0);
    assertThat(read).isEqualTo(stored);
    assertThat(read.text()).isEqualTo(request.text());
    assertThat(read.payload()).containsExactly(0, 1, 2, 0xff);
    assertThat(read.timestamp()).isEqualTo(request.timestamp());
    assertThat(read.id()).isEqualTo(request.id());
  }

  @Test
  void invalidReadArgumentsFail() {
    RoomId room = RoomId.of("conformance-invalid");
    assertThatThrownBy(() -> await(store.read(room, 0, ReadDirection.FORWARD, 0)))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void everyRoomStaysGaplessWhenManyRoomsAreAppendedToAtOnce() throws Exception {
    int rooms = 6;
    int each = 60;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<AppendResult>> results = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        for (int r = 0; r < rooms; r++) {
          RoomId room = RoomId.of("conformance-multi-" + r);
          String clientId = "m" + r + "-" + i;
          results.add(
              CompletableFuture.supplyAsync(() -> request(room, "alice", clientId, "x"), pool)
                  .thenCompose(store::append));
        }
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
          .get(timeoutSeconds(), TimeUnit.SECONDS);
      for (int r = 0; r < rooms; r++) {
        List<ChatMessage> all = readAll(RoomId.of("conformance-multi-" + r));
        assertThat(all).extracting(ChatMessage::seq).containsExactlyElementsOf(range(1, each));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void racingCopiesOfOneSendAreStoredOnce() throws Exception {
    RoomId room = RoomId.of("conformance-race");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 25; i++) {
        String clientId = "race" + i;
        List<CompletableFuture<AppendResult>> copies = new ArrayList<>();
        for (int copy = 0; copy < 4; copy++) {
          copies.add(
              CompletableFuture.supplyAsync(() -> request(room, "bob", clientId, "once"), pool)
                  .thenCompose(store::append));
        }
        Set<Long> stored = new HashSet<>();
        int fresh = 0;
        for (CompletableFuture<AppendResult> c : copies) {
          AppendResult result = c.get(timeoutSeconds(), TimeUnit.SECONDS);
          stored.add(result.message().seq());
          fresh += result.duplicate() ? 0 : 1;
        }
        assertThat(fresh).as("copies stored as new for %s", clientId).isEqualTo(1);
        assertThat(stored).as("seqs reported for %s", clientId).hasSize(1);
      }
      assertThat(readAll(room))
          .extracting(ChatMessage::seq)
          .containsExactlyElementsOf(range(1, 25));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void racingCopiesOfOneSendToTwoRoomsAreStoredOnce() throws Exception {
    List<RoomId> rooms = List.of(RoomId.of("conformance-race-x"), RoomId.of("conformance-race-y"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < 25; i++) {
        String clientId = "cross" + i;
        List<CompletableFuture<AppendResult>> copies = new ArrayList<>();
        for (int copy = 0; copy < 4; copy++) {
          RoomId room = rooms.get(copy % 2);
          copies.add(
              CompletableFuture.supplyAsync(() -> request(room, "carol", clientId, "once"), pool)
                  .thenCompose(store::append));
        }
        Set<ChatMessage> stored = new HashSet<>();
        int fresh = 0;
        for (CompletableFuture<AppendResult> c : copies) {
          AppendResult result = c.get(timeoutSeconds(), TimeUnit.SECONDS);
          stored.add(result.message());
          fresh += result.duplicate() ? 0 : 1;
        }
        assertThat(fresh).as("copies stored as new for %s", clientId).isEqualTo(1);
        assertThat(stored).as("messages reported for %s", clientId).hasSize(1);
      }
      long total = 0;
      for (RoomId room : rooms) {
        List<ChatMessage> all = readAll(room);
        assertThat(all)
            .extracting(ChatMessage::seq)
            .containsExactlyElementsOf(range(1, all.size()));
        total += all.size();
      }
      assertThat(total).isEqualTo(25);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void pagingPastEitherEndAndOversizedLimitsAreExact() {
    RoomId room = RoomId.of("conformance-ends");
    for (int i = 1; i <= 5; i++) {
      append(room, "alice", "n" + i, "m" + i);
    }
    HistorySlice all = await(store.read(room, 0, ReadDirection.BACKWARD, 1000));
    assertThat(seqs(all)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.hasMore()).isFalse();
    HistorySlice fromZero = await(store.read(room, 0, ReadDirection.FORWARD, 2));
    assertThat(seqs(fromZero)).containsExactly(1L, 2L);
    assertThat(fromZero.hasMore()).isTrue();
    HistorySlice exact = await(store.read(room, 1, ReadDirection.FORWARD, 5));
    assertThat(seqs(exact)).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(exact.hasMore()).isFalse();
    HistorySlice beyond = await(store.read(room, 6, ReadDirection.FORWARD, 5));
    assertThat(beyond.messages()).isEmpty();
    assertThat(beyond.hasMore()).isFalse();
    assertThat(beyond.position().headSeq()).isEqualTo(5);
    HistorySlice newestOne = await(store.read(room, 0, ReadDirection.BACKWARD, 1));
    assertThat(seqs(newestOne)).containsExactly(5L);
    assertThat(newestOne.hasMore()).isTrue();
    assertThatThrownBy(() -> await(store.read(room, -1, ReadDirection.FORWARD, 5)))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void retentionTrimsOnlyTheOldestAndNeverReusesSeqs() throws Exception {
    MessageStore small = newStoreKeepingAtMost(5);
    Assumptions.assumeTrue(small != null, "this store has no retention");
    extra = small;
    RoomId room = RoomId.of("conformance-retention");
    for (int i = 1; i <= 12; i++) {
      AppendResult r = await(small.append(request(room, "alice", "k" + i, "m" + i)));
      assertThat(r.message().seq()).isEqualTo(i);
    }
    RoomPosition position = await(small.position(room));
    assertThat(position.headSeq()).isEqualTo(12);
    assertThat(position.firstSeq()).isEqualTo(8);

    HistorySlice fromTrimmed = await(small.read(room, 3, ReadDirection.FORWARD, 100));
    assertThat(seqs(fromTrimmed)).containsExactly(8L, 9L, 10L, 11L, 12L);
    assertThat(fromTrimmed.position().firstSeq())
        .as("a reader asking for trimmed seqs is told where history starts")
        .isEqualTo(8);
    assertThat(await(small.read(room, 7, ReadDirection.BACKWARD, 10)).messages()).isEmpty();
    HistorySlice back = await(small.read(room, 9, ReadDirection.BACKWARD, 100));
    assertThat(seqs(back)).containsExactly(8L, 9L);
    assertThat(back.hasMore()).isFalse();

    AppendResult kept = await(small.append(request(room, "alice", "k10", "again")));
    assertThat(kept.duplicate()).isTrue();
    assertThat(kept.message().seq()).isEqualTo(10);
    AppendResult next = await(small.append(request(room, "alice", "k13", "m13")));
    assertThat(next.message().seq()).as("seqs are never reused").isEqualTo(13);
    assertThat(await(small.position(room)).firstSeq()).isEqualTo(9);
    assertThat(await(small.position(room)).epoch()).isEqualTo(position.epoch());
  }

  @Test
  void aRestartKeepsHistoryAndEpochOrReportsANewEpoch() throws Exception {
    RoomId a = RoomId.of("conformance-restart-a");
    RoomId b = RoomId.of("conformance-restart-b");
    List<ChatMessage> before = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      before.add(append(a, "alice", "r" + i, "message " + i).message());
    }
    append(b, "bob", "b1", "other room");
    RoomPosition positionA = await(store.position(a));
    RoomPosition positionB = await(store.position(b));
    store.close();
    MessageStore reopened = reopen(store);
    store = reopened;

    RoomPosition afterA = await(store.position(a));
    if (afterA.epoch() != positionA.epoch()) {
      // the history is gone, and the store says so through the epoch of every room
      assertThat(await(store.position(b)).epoch()).isNotEqualTo(positionB.epoch());
      return;
    }
    assertThat(afterA).isEqualTo(positionA);
    assertThat(await(store.position(b))).isEqualTo(positionB);
    assertThat(readAll(a)).containsExactlyElementsOf(before);
    AppendResult resent = append(a, "alice", "r4", "resent after restart");
    assertThat(resent.duplicate()).isTrue();
    assertThat(resent.message()).isEqualTo(before.get(3));
    assertThat(append(a, "alice", "r11", "message 11").message().seq()).isEqualTo(11);
    assertThat(append(b, "bob", "b2", "second").message().seq()).isEqualTo(2);
  }

  /**
   * A failed append is never overtaken: the sender's later appends to the room that were made
   * before the failure was reported fail too, so the sender, resending what failed in order with
   * the same ids, gets its messages stored in the order it made them, each once. Other senders are
   * not held back by it.
   */
  @Test
  void aFailedAppendIsNeverOvertakenByItsSendersLaterAppends() throws Exception {
    StoreWithFault faulty = newStoreWithAppendFault();
    Assumptions.assumeTrue(faulty != null, "this store has no way to fail a write on purpose");
    extra = faulty.store();
    MessageStore s = faulty.store();
    RoomId room = RoomId.of("conformance-failed-append");
    await(s.append(request(room, "carol", "warm-up", "first")));
    List<AppendRequest> sent = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      sent.add(request(room, "alice", "a" + i, "alice " + i));
      sent.add(request(room, "bob", "b" + i, "bob " + i));
    }
    // alice's first append is in the write that fails; everything else is made while it is held
    faulty.fault().holdNextWrite();
    List<CompletableFuture<AppendResult>> attempts = new ArrayList<>();
    attempts.add(s.append(sent.get(0)));
    faulty.fault().awaitHeld(timeoutSeconds());
    for (AppendRequest r : sent.subList(1, sent.size())) {
      attempts.add(s.append(r));
    }
    faulty.fault().failHeld();
    List<AppendRequest> outstanding = sent;
    Set<String> failedOnce = new HashSet<>();
    for (int round = 0; !outstanding.isEmpty(); round++) {
      assertThat(round).as("rounds of resends").isLessThan(20);
      List<AppendRequest> failed = new ArrayList<>();
      for (int i = 0; i < outstanding.size(); i++) {
        try {
          attempts.get(i).get(timeoutSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          failed.add(outstanding.get(i));
          failedOnce.add(outstanding.get(i).clientMessageId().value());
        }
      }
      // the sender resends what failed, in the order it made it, with the same ids
      outstanding = failed;
      attempts = new ArrayList<>();
      for (AppendRequest r : outstanding) {
        attempts.add(s.append(r));
      }
    }
    assertThat(failedOnce).as("the held write failed").contains("a1");
    List<String> alice = new ArrayList<>();
    List<String> bob = new ArrayList<>();
    long from = 1;
    while (true) {
      HistorySlice slice = await(s.read(room, from, ReadDirection.FORWARD, 100));
      for (ChatMessage m : slice.messages()) {
        (m.sender().value().equals("alice")
                ? alice
                : m.sender().value().equals("bob") ? bob : new ArrayList<String>())
            .add(m.clientMessageId().value());
      }
      if (!slice.hasMore() || slice.messages().isEmpty()) {
        break;
      }
      from = slice.messages().get(slice.messages().size() - 1).seq() + 1;
    }
    assertThat(alice)
        .as("alice's messages in seq order")
        .containsExactly("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10");
    assertThat(bob)
        .as("bob's messages in seq order")
        .containsExactly("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10");
  }

  /** A 64-hex-character blob id made from {@code n}. */
  private static String blob(int n) {
    return String.format("%064x", n);
  }

  private static Attachment image(int n) {
    return Attachment.of(
        blob(n), "photo " + n + ".jpg", "image/jpeg", 1000 + n, 640, 480, blob(n + 1));
  }

  private static Attachment file(int n) {
    return Attachment.of(blob(n), "file-" + n + ".pdf", "application/pdf", 10 + n, 0, 0, "");
  }

  @Test
  void attachmentsAreKeptWithTheirMessagesInEveryRead() {
    RoomId room = RoomId.of("conformance-attachments");
    List<Attachment> first = List.of(image(100), file(200), image(100));
    List<Attachment> ten = new ArrayList<>();
    ten.add(
        Attachment.of(
            blob(300),
            "ünïcode \"quoted\" back\\slash 😀 " + "x".repeat(200),
            "text/plain; charset=utf-8",
            5L * 1024 * 1024 * 1024,
            0,
            0,
            ""));
    ten.add(
        Attachment.of(
            blob(301), "big.png", "image/png", Integer.MAX_VALUE + 7L, 65_535, 40_000, blob(302)));
    for (int i = 0; i < Attachment.MAX_PER_MESSAGE - 2; i++) {
      ten.add(file(400 + i));
    }
    List<ChatMessage> stored = new ArrayList<>();
    stored.add(append(room, "alice", "att-1", "", first).message());
    stored.add(append(room, "alice", "att-2", "no files", List.of()).message());
    stored.add(append(room, "bob", "att-3", "ten files", ten).message());
    assertThat(stored.get(0).attachments()).containsExactlyElementsOf(first);
    assertThat(stored.get(0).text()).isEmpty();
    assertThat(stored.get(1).attachments()).isEmpty();
    assertThat(stored.get(2).attachments()).containsExactlyElementsOf(ten);

    assertThat(readAll(room)).containsExactlyElementsOf(stored);
    assertThat(await(store.read(room, 0, ReadDirection.BACKWARD, 2)).messages())
        .containsExactlyElementsOf(stored.subList(1, 3));
    assertThat(await(store.read(room, 1, ReadDirection.FORWARD, 1)).messages())
        .containsExactly(stored.get(0));

    AppendResult again = append(room, "alice", "att-1", "resent without them", List.of());
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(stored.get(0));
    AppendResult elsewhere =
        append(RoomId.of("conformance-attachments-2"), "bob", "att-3", "x", List.of(file(1)));
    assertThat(elsewhere.duplicate()).isTrue();
    assertThat(elsewhere.message()).isEqualTo(stored.get(2));
  }

  @Test
  void attachmentsSurviveARestart() throws Exception {
    RoomId room = RoomId.of("conformance-attachments-restart");
    ChatMessage before = append(room, "alice", "ar1", "", List.of(image(10), file(20))).message();
    long epoch = await(store.position(room)).epoch();
    store.close();
    store = reopen(store);
    if (await(store.position(room)).epoch() != epoch) {
      return; // the history is gone, and the store says so
    }
    assertThat(readAll(room)).containsExactly(before);
    assertThat(append(room, "alice", "ar1", "again", List.of()).message()).isEqualTo(before);
  }

  /** The store's referenced blobs; skips the test when the store does not support them. */
  private static Set<String> referencedBlobs(MessageStore s, long timeoutSeconds) {
    CompletableFuture<Set<String>> future = s.referencedBlobs();
    try {
      return future.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
      Assumptions.assumeFalse(
          cause instanceof UnsupportedOperationException,
          "this store does not report referenced blobs");
      throw new AssertionError(cause);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void referencedBlobsAreTheFilesAndThumbnailsOfKeptMessages() {
    assertThat(referencedBlobs(store, timeoutSeconds())).isEmpty();
    append(RoomId.of("conformance-blobs-a"), "alice", "rb1", "", List.of(image(10), file(20)));
    append(RoomId.of("conformance-blobs-a"), "alice", "rb2", "no files", List.of());
    append(RoomId.of("conformance-blobs-b"), "bob", "rb3", "", List.of(file(20), file(30)));
    // a duplicate adds nothing, whatever it carries
    append(RoomId.of("conformance-blobs-b"), "bob", "rb3", "", List.of(file(99)));
    assertThat(referencedBlobs(store, timeoutSeconds()))
        .containsExactlyInAnyOrder(blob(10), blob(11), blob(20), blob(30));
  }

  @Test
  void referencedBlobsForgetTrimmedMessages() throws Exception {
    MessageStore small = newStoreKeepingAtMost(3);
    Assumptions.assumeTrue(small != null, "this store has no retention");
    extra = small;
    RoomId room = RoomId.of("conformance-blobs-trim");
    RoomId other = RoomId.of("conformance-blobs-trim-other");
    await(small.append(request(room, "alice", "t1", "", List.of(image(10), file(50)))));
    await(small.append(request(room, "alice", "t2", "", List.of(file(20)))));
    await(small.append(request(other, "alice", "t3", "", List.of(file(20)))));
    assertThat(referencedBlobs(small, timeoutSeconds()))
        .containsExactlyInAnyOrder(blob(10), blob(11), blob(20), blob(50));
    await(small.append(request(room, "alice", "t4", "", List.of(file(50)))));
    await(small.append(request(room, "alice", "t5", "plain", List.of())));
    // t1 is trimmed: its image and thumbnail go; file 50 is still in t4
    assertThat(await(small.position(room)).firstSeq()).isEqualTo(2);
    assertThat(referencedBlobs(small, timeoutSeconds()))
        .containsExactlyInAnyOrder(blob(20), blob(50));
    await(small.append(request(room, "alice", "t6", "plain", List.of())));
    // t2 is trimmed, but the other room's message still references file 20
    assertThat(referencedBlobs(small, timeoutSeconds()))
        .containsExactlyInAnyOrder(blob(20), blob(50));
    await(small.append(request(room, "alice", "t7", "plain", List.of())));
    assertThat(referencedBlobs(small, timeoutSeconds())).containsExactly(blob(20));
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  private AppendResult append(RoomId room, String sender, String clientId, String text) {
    return await(store.append(request(room, sender, clientId, text)));
  }

  private AppendResult append(
      RoomId room, String sender, String clientId, String text, List<Attachment> attachments) {
    return await(store.append(request(room, sender, clientId, text, attachments)));
  }

  private AppendRequest request(RoomId room, String sender, String clientId, String text) {
    return request(room, sender, clientId, text, List.of());
  }

  private AppendRequest request(
      RoomId room, String sender, String clientId, String text, List<Attachment> attachments) {
    return new AppendRequest(
        room,
        MessageId.of("M" + ids.incrementAndGet()),
        UserId.of(sender),
        ClientMessageId.of(clientId),
        Instant.ofEpochMilli(1_700_000_000_000L),
        text,
        new byte[0],
        attachments);
  }

  private List<ChatMessage> readAll(RoomId room) {
    List<ChatMessage> all = new ArrayList<>();
    long from = 1;
    while (true) {
      HistorySlice slice = await(store.read(room, from, ReadDirection.FORWARD, 100));
      all.addAll(slice.messages());
      if (!slice.hasMore() || slice.messages().isEmpty()) {
        return all;
      }
      from = slice.messages().get(slice.messages().size() - 1).seq() + 1;
    }
  }

  private static List<Long> seqs(HistorySlice slice) {
    return slice.messages().stream().map(ChatMessage::seq).toList();
  }

  private <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(timeoutSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
