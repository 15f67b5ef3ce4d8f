package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import dev.parley.chat.spi.MessageStore;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Before-store hooks in memory: bad verdicts, and the bound on a room's lane. */
class BeforeStoreScreeningTest {
  private static int storedIn(MessageStore store, String room) {
    return store
        .read(RoomId.of(room), 1, MessageStore.ReadDirection.FORWARD, 10_000)
        .join()
        .messages()
        .size();
  }

  @Test
  void aRewriteOverTheTextLimitOrANullVerdictFailsTheSendUnstored() {
    MessageHook bad =
        new MessageHook() {
          @Override
          public MessageVerdict beforeStore(BeforeStoreEvent event) {
            return switch (event.text()) {
              case "grow" -> MessageVerdict.rewrite("x".repeat(100));
              case "nothing" -> null;
              default -> MessageVerdict.accept();
            };
          }
        };
    MessageStore store = new InMemoryMessageStore();
    try (Engine engine = new Engine(b -> b.messageStore(store).maxTextBytes(50).messageHook(bad))) {
      FakeConnection alice = engine.connect("alice");
      // one room each: after a failed send, the sender's next ones to the room are fenced
      for (String text : new String[] {"grow", "nothing"}) {
        engine.join(alice, text);
        engine.send(alice, engine.sendFrame(text, "id-" + text, text));
        Envelope error = alice.nextError();
        assertThat(error.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE.code());
        assertThat(error.getError().getRetryable()).isTrue();
        assertThat(error.getError().getMessage()).contains("could not be checked");
        assertThat(storedIn(store, text)).isZero();
        // a later send to the room waits for the failed one's resend
        engine.send(alice, engine.sendFrame(text, "later-" + text, "fine"));
        assertThat(alice.nextError().getError().getMessage()).contains("resend it first");
      }
    }
  }

  @Test
  void aFullLaneRefusesFurtherMessagesOfThatRoomOnly() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    MessageHook blocking =
        new MessageHook() {
          @Override
          public MessageVerdict beforeStore(BeforeStoreEvent event) {
            if (event.room().value().equals("busy")) {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return MessageVerdict.accept();
          }
        };
    MessageStore store = new InMemoryMessageStore();
    try (Engine engine =
        new Engine(
            b ->
                b.messageStore(store)
                    .messageHook(blocking)
                    .hookTimeout(Duration.ofMinutes(10))
                    .requestRate(100_000, 100_000)
                    .userSendRate(100_000, 100_000))) {
      FakeConnection alice = engine.connect("alice");
      engine.join(alice, "busy");
      engine.join(alice, "calm");
      alice.drain();
      // one message in the hook, the lane's limit waiting behind it, and one more
      int sent = BeforeStoreScreening.MAX_WAITING_PER_ROOM + 2;
      long lastRequest = 0;
      for (int i = 1; i <= sent; i++) {
        Envelope send = engine.sendFrame("busy", "b" + i, "m" + i);
        lastRequest = send.getRequestId();
        engine.send(alice, send);
      }
      Envelope refused = alice.nextError();
      assertThat(refused.getRequestId()).isEqualTo(lastRequest);
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE.code());
      assertThat(refused.getError().getMessage()).contains("too many messages are waiting");

      engine.send(alice, engine.sendFrame("calm", "c1", "another room"));
      assertThat(alice.next(Envelope.BodyCase.MESSAGE).getMessage().getText())
          .isEqualTo("another room");
      assertThat(alice.next(Envelope.BodyCase.SEND_ACK).getSendAck().getRoom()).isEqualTo("calm");

      release.countDown();
      int acks = 0;
      while (acks < sent - 1) {
        Envelope e = alice.next();
        if (e.getBodyCase() == Envelope.BodyCase.SEND_ACK) {
          acks++;
        } else {
          assertThat(e.getBodyCase()).as("frame %s", e).isEqualTo(Envelope.BodyCase.MESSAGE);
        }
      }
      assertThat(storedIn(store, "busy")).isEqualTo(sent - 1);
    } finally {
      release.countDown();
    }
  }
}
