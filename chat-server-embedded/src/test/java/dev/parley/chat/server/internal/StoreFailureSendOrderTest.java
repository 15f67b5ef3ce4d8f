package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A store that fails some appends and stores the ones after them (as one whose database connection
 * was lost and replaced does): the sender's messages are still stored in the order it sent them,
 * once each, when it resends what was refused with {@code UNAVAILABLE}, as the protocol advises.
 */
class StoreFailureSendOrderTest {
  private static final String ROOM = "orderly";

  @Test
  void laterSendsNeverOvertakeOneTheStoreFailed() {
    assertSenderOrderKept(new Random(1), false);
  }

  @Test
  void resendsInAnyOrderStillStoreTheSendersOrder() {
    // resends come back in a shuffled order, as after backoffs with jitter
    assertSenderOrderKept(new Random(7), true);
  }

  private static void assertSenderOrderKept(Random random, boolean shuffleResends) {
    // the first try of these fails; every other append is stored at once
    FailingStore store = new FailingStore(new InMemoryMessageStore(), Set.of("c1", "c2", "c6"));
    try (Engine engine =
        new Engine(
            b ->
                b.messageStore(store)
                    .requestRate(100_000, 100_000)
                    .userSendRate(100_000, 100_000))) {
      FakeConnection alice = engine.connect("alice");
      engine.join(alice, ROOM);
      alice.drain();
      List<String> sent = new ArrayList<>();
      for (int i = 1; i <= 12; i++) {
        sent.add("c" + i);
      }
      // the client pipelines: every send goes out before any answer is read
      List<String> outstanding = new ArrayList<>(sent);
      Set<String> acknowledged = new HashSet<>();
      int rounds = 0;
      while (!outstanding.isEmpty()) {
        assertThat(rounds++).as("rounds of resends").isLessThan(50);
        Map<Long, String> byRequest = new HashMap<>();
        for (String id : outstanding) {
          Envelope send = engine.sendFrame(ROOM, id, "text of " + id);
          byRequest.put(send.getRequestId(), id);
          engine.send(alice, send);
        }
        List<String> refused = new ArrayList<>();
        while (!byRequest.isEmpty()) {
          Envelope e = alice.next();
          String id = byRequest.remove(e.getRequestId());
          if (e.getBodyCase() == Envelope.BodyCase.SEND_ACK) {
            assertThat(e.getSendAck().getClientMessageId()).isEqualTo(id);
            acknowledged.add(id);
          } else if (e.getBodyCase() == Envelope.BodyCase.ERROR) {
            assertThat(e.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE.code());
            refused.add(id);
          } else {
            assertThat(id).as("no answer in %s", e).isNull();
          }
        }
        // resend what was refused, with the same ids
        refused.sort((a, b) -> Integer.compare(sent.indexOf(a), sent.indexOf(b)));
        if (shuffleResends) {
          Collections.shuffle(refused, random);
        }
        outstanding = refused;
      }
      assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(sent);
      List<String> stored = storedOrder(store, UserId.of("alice"));
      assertThat(outOfOrder(stored, sent))
          .as("messages stored ahead of one sent before them; stored order %s", stored)
          .isZero();
      assertThat(stored).containsExactlyElementsOf(sent);
    }
  }

  /** The sender's client message ids in the order the store keeps them. */
  private static List<String> storedOrder(MessageStore store, UserId sender) {
    HistorySlice slice =
        store.read(RoomId.of(ROOM), 1, MessageStore.ReadDirection.FORWARD, 1_000).join();
    List<String> ids = new ArrayList<>();
    for (ChatMessage m : slice.messages()) {
      if (m.sender().equals(sender)) {
        ids.add(m.clientMessageId().value());
      }
    }
    return ids;
  }

  /** How many stored messages come before a message that was sent before them. */
  static int outOfOrder(List<String> stored, List<String> sent) {
    int count = 0;
    int highest = -1;
    for (String id : stored) {
      int place = sent.indexOf(id);
      if (place < highest) {
        count++;
      }
      highest = Math.max(highest, place);
    }
    return count;
  }

  /**
   * Fails the first append of each chosen client message id, at once (as a lost database connection
   * does), and stores every other append at once.
   */
  private static final class FailingStore implements MessageStore {
    private final MessageStore inner;
    private final Set<String> failOnce;

    FailingStore(MessageStore inner, Set<String> failOnce) {
      this.inner = inner;
      this.failOnce = new LinkedHashSet<>(failOnce);
    }

    @Override
    public synchronized CompletableFuture<AppendResult> append(AppendRequest request) {
      if (failOnce.remove(request.clientMessageId().value())) {
        return CompletableFuture.failedFuture(new IllegalStateException("connection lost"));
      }
      return inner.append(request);
    }

    @Override
    public CompletableFuture<HistorySlice> read(
        RoomId room, long fromSeq, ReadDirection direction, int limit) {
      return inner.read(room, fromSeq, direction, limit);
    }

    @Override
    public CompletableFuture<RoomPosition> position(RoomId room) {
      return inner.position(room);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
