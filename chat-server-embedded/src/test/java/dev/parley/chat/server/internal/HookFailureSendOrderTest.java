package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import dev.parley.chat.spi.MessageStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A before-store hook that throws for some messages keeps the sender's order as a store failure
 * does (decision 0014): the failed send is answered {@code UNAVAILABLE}, the sender's sends behind
 * it in the room's lane fail too, unstored, and once everything is resent in order it is stored in
 * the order it was sent, once each.
 */
class HookFailureSendOrderTest {
  private static final String ROOM = "screened";

  @Test
  void sendsBehindOneAHookFailedAreNotStoredAheadOfIt() {
    Set<String> failOnce = ConcurrentHashMap.newKeySet();
    failOnce.addAll(Set.of("c2", "c5"));
    MessageHook flaky =
        new MessageHook() {
          @Override
          public MessageVerdict beforeStore(BeforeStoreEvent event) {
            if (failOnce.remove(event.clientMessageId().value())) {
              throw new IllegalStateException("moderation service unreachable");
            }
            return MessageVerdict.accept();
          }
        };
    MessageStore store = new InMemoryMessageStore();
    try (Engine engine =
        new Engine(
            b ->
                b.messageStore(store)
                    .messageHook(flaky)
                    .requestRate(100_000, 100_000)
                    .userSendRate(100_000, 100_000))) {
      FakeConnection alice = engine.connect("alice");
      engine.join(alice, ROOM);
      alice.drain();
      List<String> sent = new ArrayList<>();
      for (int i = 1; i <= 8; i++) {
        sent.add("c" + i);
      }
      List<String> outstanding = new ArrayList<>(sent);
      List<String> acknowledged = new ArrayList<>();
      int rounds = 0;
      while (!outstanding.isEmpty()) {
        assertThat(rounds++).as("rounds of resends").isLessThan(10);
        Map<Long, String> byRequest = new HashMap<>();
        for (String id : outstanding) {
          Envelope send = engine.sendFrame(ROOM, id, "text of " + id);
          byRequest.put(send.getRequestId(), id);
          engine.send(alice, send);
        }
        List<String> refused = new ArrayList<>();
        while (!byRequest.isEmpty()) {
          Envelope e = alice.next();
          if (e.getBodyCase() == Envelope.BodyCase.MESSAGE) {
            continue;
          }
          String id = byRequest.remove(e.getRequestId());
          assertThat(id).as("an answer to a send: %s", e).isNotNull();
          if (e.getBodyCase() == Envelope.BodyCase.SEND_ACK) {
            acknowledged.add(id);
          } else {
            assertThat(e.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE.code());
            assertThat(e.getError().getRetryable()).isTrue();
            refused.add(id);
          }
        }
        refused.sort((a, b) -> Integer.compare(sent.indexOf(a), sent.indexOf(b)));
        outstanding = refused;
      }
      assertThat(rounds)
          .as("the hook's failures cost at least one round of resends")
          .isGreaterThan(1);
      assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(sent);
      List<String> stored = new ArrayList<>();
      for (ChatMessage m :
          store
              .read(RoomId.of(ROOM), 1, MessageStore.ReadDirection.FORWARD, 100)
              .join()
              .messages()) {
        stored.add(m.clientMessageId().value());
      }
      assertThat(stored).containsExactlyElementsOf(sent);
    }
  }
}
