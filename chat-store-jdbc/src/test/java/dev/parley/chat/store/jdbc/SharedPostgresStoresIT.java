package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two stores on one PostgreSQL database, as two server processes would be: their concurrent appends
 * to the same rooms still form one gapless order, a resend through the other store is recognised,
 * and each reads what the other wrote.
 */
class SharedPostgresStoresIT {
  @Test
  void twoStoresOnOneDatabaseShareOneOrderPerRoom() throws Exception {
    try (PostgresDatabase db = PostgresDatabase.requireRunning();
        JdbcMessageStore one = db.storeBuilder().exclusiveWriter(false).build();
        JdbcMessageStore two = db.storeBuilder().exclusiveWriter(false).build()) {
      List<RoomId> rooms = List.of(RoomId.of("shared-a"), RoomId.of("shared-b"));
      List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        for (RoomId room : rooms) {
          JdbcMessageStore via = i % 2 == 0 ? one : two;
          futures.add(via.append(request(room, "user" + (i % 7), room.value() + "-" + i)));
        }
      }
      // every resend goes through the other store, as after a failover
      for (int i = 0; i < 600; i += 10) {
        JdbcMessageStore other = i % 2 == 0 ? two : one;
        RoomId room = rooms.get(0);
        futures.add(other.append(request(room, "user" + (i % 7), room.value() + "-" + i)));
      }
      int duplicates = 0;
      for (CompletableFuture<AppendResult> f : futures) {
        duplicates += f.get(60, TimeUnit.SECONDS).duplicate() ? 1 : 0;
      }
      assertThat(duplicates).isEqualTo(60);
      for (RoomId room : rooms) {
        List<ChatMessage> viaOne = readAll(one, room);
        List<ChatMessage> viaTwo = readAll(two, room);
        assertThat(viaOne).hasSize(600).isEqualTo(viaTwo);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < viaOne.size(); i++) {
          assertThat(viaOne.get(i).seq()).isEqualTo(i + 1);
          assertThat(keys.add(viaOne.get(i).sender() + "/" + viaOne.get(i).clientMessageId()))
              .isTrue();
        }
        assertThat(one.position(room).get().headSeq()).isEqualTo(600);
        assertThat(two.position(room).get().headSeq()).isEqualTo(600);
      }
    }
  }

  private static AppendRequest request(RoomId room, String sender, String clientId) {
    return new AppendRequest(
        room,
        MessageId.of("M" + System.nanoTime()),
        UserId.of(sender),
        ClientMessageId.of(clientId),
        Instant.now(),
        clientId,
        new byte[0]);
  }

  private static List<ChatMessage> readAll(JdbcMessageStore store, RoomId room) throws Exception {
    List<ChatMessage> all = new ArrayList<>();
    long from = 1;
    while (true) {
      HistorySlice slice = store.read(room, from, ReadDirection.FORWARD, 128).get();
      all.addAll(slice.messages());
      if (!slice.hasMore()) {
        return all;
      }
      from = all.get(all.size() - 1).seq() + 1;
    }
  }
}
