package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.testkit.store.MessageStoreConformanceSuite;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryMessageStoreConformanceTest extends MessageStoreConformanceSuite {
  @Override
  protected MessageStore newStore() {
    return new InMemoryMessageStore();
  }

  @Override
  protected MessageStore newStoreKeepingAtMost(int maxPerRoom) {
    return new InMemoryMessageStore(maxPerRoom);
  }

  @Override
  protected MessageStore reopen(MessageStore closed) {
    return new InMemoryMessageStore();
  }

  @Test
  void dropsTheOldestBeyondItsLimitAndReportsTheFirstKeptSeq() {
    InMemoryMessageStore small = new InMemoryMessageStore(5);
    RoomId room = RoomId.of("small");
    for (int i = 1; i <= 12; i++) {
      small
          .append(
              new AppendRequest(
                  room,
                  MessageId.of("m" + i),
                  UserId.of("u"),
                  ClientMessageId.of("c" + i),
                  Instant.EPOCH,
                  "t" + i,
                  new byte[0]))
          .join();
    }
    var position = small.position(room).join();
    assertThat(position.headSeq()).isEqualTo(12);
    assertThat(position.firstSeq()).isEqualTo(8);
    var slice = small.read(room, 1, ReadDirection.FORWARD, 100).join();
    assertThat(slice.messages()).extracting(m -> m.seq()).containsExactly(8L, 9L, 10L, 11L, 12L);
    var back = small.read(room, 9, ReadDirection.BACKWARD, 100).join();
    assertThat(back.messages()).extracting(m -> m.seq()).containsExactly(8L, 9L);
  }
}
