package dev.parley.chat.store.jdbc;

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
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.testkit.time.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JDBC store adds to the store contract: group commit, the cache, age retention. */
class JdbcMessageStoreIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir Path dir;
  private final AtomicLong ids = new AtomicLong();

  private CountingDataSource h2(String name) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:file:" + dir.resolve(name).toAbsolutePath());
    h2.setUser("sa");
    return new CountingDataSource(h2);
  }

  private AppendRequest request(RoomId room, String sender, String clientId, Instant at) {
    return new AppendRequest(
        room,
        MessageId.of("M" + ids.incrementAndGet()),
        UserId.of(sender),
        ClientMessageId.of(clientId),
        at,
        "text " + clientId,
        new byte[0]);
  }

  private static <T> List<T> all(List<CompletableFuture<T>> futures) throws Exception {
    List<T> out = new ArrayList<>();
    for (CompletableFuture<T> f : futures) {
      out.add(f.get(30, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void groupCommitPutsConcurrentAppendsInFewTransactions() throws Exception {
    CountingDataSource counted = h2("group");
    RoomId room = RoomId.of("group");
    try (JdbcMessageStore store =
        JdbcMessageStore.builder().dataSource(counted, SqlDialect.H2).build()) {
      int before = counted.commits.get();
      List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        futures.add(store.append(request(room, "alice", "g" + i, T0)));
      }
      List<AppendResult> results = all(futures);
      int commits = counted.commits.get() - before;
      assertThat(results).extracting(r -> r.message().seq()).doesNotHaveDuplicates();
      assertThat(commits)
          .as("2,000 appends queued at once commit in a few transactions, not one each")
          .isLessThanOrEqualTo(2_000 / 20);
    }
  }

  @Test
  void withoutGroupCommitEveryAppendCommitsAlone() throws Exception {
    CountingDataSource counted = h2("alone");
    RoomId room = RoomId.of("alone");
    try (JdbcMessageStore store =
        JdbcMessageStore.builder()
            .dataSource(counted, SqlDialect.H2)
            .groupCommit(false)
            .writerThreads(4)
            .build()) {
      int before = counted.commits.get();
      List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(store.append(request(room, "alice", "a" + i, T0)));
      }
      all(futures);
      assertThat(counted.commits.get() - before).isEqualTo(200);
      HistorySlice slice = store.read(room, 1, ReadDirection.FORWARD, 500).get();
      assertThat(slice.messages()).extracting(ChatMessage::seq).hasSize(200).isSorted();
      assertThat(slice.messages().get(199).seq()).isEqualTo(200);
    }
  }

  @Test
  void aResumeNearTheHeadIsServedWithoutTouchingTheDatabase() throws Exception {
    CountingDataSource counted = h2("cache");
    RoomId room = RoomId.of("cache");
    try (JdbcMessageStore store =
        JdbcMessageStore.builder().dataSource(counted, SqlDialect.H2).cache(64, 100).build()) {
      List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
      for (int i = 1; i <= 200; i++) {
        futures.add(store.append(request(room, "alice", "c" + i, T0)));
      }
      all(futures);
      int connections = counted.connections.get();
      HistorySlice resume = store.read(room, 181, ReadDirection.FORWARD, 100).get();
      assertThat(resume.messages()).extracting(ChatMessage::seq).first().isEqualTo(181L);
      assertThat(resume.messages()).hasSize(20);
      assertThat(store.position(room).get().headSeq()).isEqualTo(200);
      assertThat(counted.connections.get()).as("connections taken").isEqualTo(connections);

      HistorySlice old = store.read(room, 1, ReadDirection.FORWARD, 10).get();
      assertThat(old.messages())
          .extracting(ChatMessage::seq)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(counted.connections.get())
          .as("old history is not in the cache: read from the database")
          .isGreaterThan(connections);
    }
  }

  @Test
  void ageRetentionTrimsOnlyFromTheOldestEnd() throws Exception {
    MutableClock clock = new MutableClock(T0);
    RoomId room = RoomId.of("aged");
    RoomId fresh = RoomId.of("fresh");
    try (JdbcMessageStore store =
        JdbcMessageStore.builder()
            .h2File(dir.resolve("aged"))
            .retention(Retention.keepFor(Duration.ofHours(1)))
            .clock(clock)
            .build()) {
      List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        Instant at = i <= 6 ? T0 : T0.plus(Duration.ofHours(2));
        futures.add(store.append(request(room, "alice", "a" + i, at)));
      }
      futures.add(store.append(request(fresh, "bob", "f1", T0.plus(Duration.ofHours(2)))));
      all(futures);
      long epoch = store.position(room).get().epoch();

      assertThat(store.trimExpired()).as("nothing is an hour old yet").isZero();
      clock.set(T0.plus(Duration.ofMinutes(90)));
      assertThat(store.trimExpired()).isEqualTo(6);
      assertThat(store.trimExpired()).as("a second sweep finds nothing").isZero();

      var position = store.position(room).get();
      assertThat(position.firstSeq()).isEqualTo(7);
      assertThat(position.headSeq()).isEqualTo(10);
      assertThat(position.epoch()).isEqualTo(epoch);
      assertThat(store.read(room, 1, ReadDirection.FORWARD, 100).get().messages())
          .extracting(ChatMessage::seq)
          .containsExactly(7L, 8L, 9L, 10L);
      assertThat(store.position(fresh).get().firstSeq()).isEqualTo(1);

      clock.set(T0.plus(Duration.ofHours(4)));
      assertThat(store.trimExpired()).isEqualTo(5);
      var empty = store.position(room).get();
      assertThat(empty.headSeq()).as("the head stays: seqs are never reused").isEqualTo(10);
      assertThat(empty.firstSeq()).as("0: nothing is kept").isZero();
      assertThat(store.append(request(room, "alice", "a11", clock.instant())).get().message().seq())
          .isEqualTo(11);
    }
  }

  @Test
  void anyStringAndPayloadRoundTrip() throws Exception {
    RoomId room = RoomId.of("bytes");
    byte[] payload = new byte[60_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    String text = "nul\u0000 tab\t ✓ 😀 " + "x".repeat(30_000);
    AppendRequest request =
        new AppendRequest(
            room,
            MessageId.of("B1"),
            UserId.of("alice"),
            ClientMessageId.of("b1"),
            Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
            text,
            payload);
    Path file = dir.resolve("bytes");
    try (JdbcMessageStore store = JdbcMessageStore.builder().h2File(file).build()) {
      store.append(request).get();
    }
    try (JdbcMessageStore store = JdbcMessageStore.builder().h2File(file).build()) {
      ChatMessage read = store.read(room, 1, ReadDirection.FORWARD, 1).get().messages().get(0);
      assertThat(read.text()).isEqualTo(text);
      assertThat(read.payload()).isEqualTo(payload);
      assertThat(read.timestamp()).isEqualTo(request.timestamp());
    }
  }

  @Test
  void aClosedStoreRefusesAppendsClearly() {
    JdbcMessageStore store = JdbcMessageStore.builder().h2File(dir.resolve("closed")).build();
    store.close();
    CompletableFuture<AppendResult> late =
        store.append(request(RoomId.of("r"), "alice", "late", T0));
    assertThatThrownBy(late::get)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void misconfigurationIsReportedWithTheFix() {
    assertThatThrownBy(() -> JdbcMessageStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("h2File");
    assertThatThrownBy(() -> JdbcMessageStore.builder().jdbcUrl("jdbc:mysql://x/y", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql");
    assertThatThrownBy(() -> JdbcMessageStore.builder().schema("x; DROP TABLE y"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                JdbcMessageStore.builder()
                    .jdbcUrl("jdbc:postgresql://127.0.0.1:1/none", "u", "p")
                    .build())
        .isInstanceOf(JdbcStoreException.class)
        .hasMessageContaining("could not open");
  }
}
