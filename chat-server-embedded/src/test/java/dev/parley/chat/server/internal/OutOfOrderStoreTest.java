package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A store whose append futures complete late and out of order (as a database's would under load):
 * members still receive every message once, in seq order.
 */
class OutOfOrderStoreTest {
  @Test
  void deliveriesFollowSeqOrderEvenWhenAppendsCompleteOutOfOrder() {
    ScheduledExecutorService delays = Executors.newScheduledThreadPool(4);
    MessageStore shuffled = new ShuffledStore(new InMemoryMessageStore(), delays, new Random(5));
    try (Engine engine =
        new Engine(
            b ->
                b.messageStore(shuffled)
                    .requestRate(100_000, 100_000)
                    .userSendRate(100_000, 100_000))) {
      FakeConnection witness = engine.connect("witness");
      engine.join(witness, "ooo");
      List<FakeConnection> senders = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        FakeConnection sender = engine.connect("sender" + s);
        engine.join(sender, "ooo");
        senders.add(sender);
      }
      witness.drain();
      int perSender = 300;
      for (int i = 0; i < perSender; i++) {
        for (int s = 0; s < senders.size(); s++) {
          engine.send(senders.get(s), engine.sendFrame("ooo", "s" + s + "-" + i, "t"));
        }
      }
      long expected = 1;
      int total = perSender * senders.size();
      while (expected <= total) {
        Envelope e = witness.next();
        if (e.getBodyCase() == Envelope.BodyCase.MESSAGE) {
          assertThat(e.getMessage().getSeq()).isEqualTo(expected);
          expected++;
        }
      }
      assertThat(engine.context.store().position(RoomId.of("ooo")).join().headSeq())
          .isEqualTo(total);
    } finally {
      delays.shutdownNow();
    }
  }

  @Test
  void aStoredMessageWhoseAppendNeverCompletesIsReadFromTheStore() {
    // Seq 2 is stored but its append never reports back (as when the node that made it died):
    // the room notices the gap when seq 3 arrives and reads seq 2 from the store.
    MessageStore losing = new LosingStore(new InMemoryMessageStore(), 2);
    try (Engine engine = new Engine(b -> b.messageStore(losing))) {
      FakeConnection sender = engine.connect("sender");
      FakeConnection witness = engine.connect("witness");
      engine.join(sender, "stuck");
      engine.join(witness, "stuck");
      witness.drain();
      int total = 10;
      for (int i = 1; i <= total; i++) {
        engine.send(sender, engine.sendFrame("stuck", "c" + i, "t"));
      }
      long expected = 1;
      while (expected <= total) {
        Envelope e = witness.next();
        if (e.getBodyCase() == Envelope.BodyCase.MESSAGE) {
          assertThat(e.getMessage().getSeq()).isEqualTo(expected);
          expected++;
        }
      }
    }
  }

  /** Never completes the append that gets seq {@code lost}. */
  private static final class LosingStore extends ForwardingStore {
    private final long lost;

    LosingStore(MessageStore inner, long lost) {
      super(inner);
      this.lost = lost;
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest request) {
      AppendResult result = inner.append(request).join();
      return result.message().seq() == lost
          ? new CompletableFuture<>()
          : CompletableFuture.completedFuture(result);
    }
  }

  /** Completes each append after a random delay of up to 5 ms, on a pool of threads. */
  private static final class ShuffledStore extends ForwardingStore {
    private final ScheduledExecutorService delays;
    private final Random random;

    ShuffledStore(MessageStore inner, ScheduledExecutorService delays, Random random) {
      super(inner);
      this.delays = delays;
      this.random = random;
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest request) {
      AppendResult result = inner.append(request).join();
      CompletableFuture<AppendResult> late = new CompletableFuture<>();
      int delay;
      synchronized (random) {
        delay = random.nextInt(5_000);
      }
      delays.schedule(() -> late.complete(result), delay, TimeUnit.MICROSECONDS);
      return late;
    }
  }

  /** Passes everything but appends through to another store. */
  private abstract static class ForwardingStore implements MessageStore {
    final MessageStore inner;

    ForwardingStore(MessageStore inner) {
      this.inner = inner;
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
