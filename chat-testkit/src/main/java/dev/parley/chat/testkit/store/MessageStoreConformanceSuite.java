package dev.parley.chat.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * The contract every {@link MessageStore} keeps: gapless per-room order under concurrency,
 * idempotent appends, and exact paging. Subclass it and implement {@link #newStore()}; each test
 * gets a fresh store and closes it afterwards. Not thread-safe (one test at a time per instance, as
 * JUnit runs them).
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
  }

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
  void concurrentAppendsStayGaplessAndUnique() throws Exception {
    RoomId room = RoomId.of("conformance-concurrent");
    int writers = 8;
    int each = concurrentAppendsPerWriter();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<CompletableFuture<AppendResult>> results = new ArrayList<>();
      List<java.util.concurrent.Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String sender = "writer" + w;
        tasks.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    CompletableFuture<AppendResult> r =
                        store.append(request(room, sender, "c" + i, "t" + i));
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

  private AppendResult append(RoomId room, String sender, String clientId, String text) {
    return await(store.append(request(room, sender, clientId, text)));
  }

  private AppendRequest request(RoomId room, String sender, String clientId, String text) {
    return new AppendRequest(
        room,
        MessageId.of("M" + ids.incrementAndGet()),
        UserId.of(sender),
        ClientMessageId.of(clientId),
        Instant.ofEpochMilli(1_700_000_000_000L),
        text,
        new byte[0]);
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
