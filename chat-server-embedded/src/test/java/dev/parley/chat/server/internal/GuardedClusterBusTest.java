package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.testkit.cluster.RecordingClusterListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bus whose broker is down at start: retried with backoff, presence kept, resync once up. */
class GuardedClusterBusTest {
  private static final RoomId ROOM = RoomId.of("general");
  private static final BreakerSettings SETTINGS =
      new BreakerSettings(
          Duration.ofSeconds(5),
          50,
          20,
          Duration.ofSeconds(5),
          100,
          Duration.ofMillis(10),
          Duration.ofMillis(40));

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService workers = Executors.newSingleThreadExecutor();
  private final InProcessClusterBus.Network network = new InProcessClusterBus.Network();
  private final InProcessClusterBus other = new InProcessClusterBus(network);

  @AfterEach
  void stop() {
    other.close();
    timer.shutdownNow();
    workers.shutdownNow();
  }

  /** A bus whose broker refuses the first {@code failures} starts, as Redis being down would. */
  private static final class BrokerDownAtFirst implements ClusterBus {
    private final InProcessClusterBus bus;
    private final AtomicInteger refusalsLeft;
    final AtomicInteger attempts = new AtomicInteger();

    BrokerDownAtFirst(InProcessClusterBus bus, int failures) {
      this.bus = bus;
      this.refusalsLeft = new AtomicInteger(failures);
    }

    @Override
    public void start(String nodeId, Listener listener) {
      attempts.incrementAndGet();
      if (refusalsLeft.getAndDecrement() > 0) {
        throw new IllegalArgumentException("broker unreachable (attempt " + attempts + ")");
      }
      bus.start(nodeId, listener);
    }

    @Override
    public void publishMessage(ChatMessage message) {
      bus.publishMessage(message);
    }

    @Override
    public void publishPresence(RoomId room, UserId user, boolean online) {
      bus.publishPresence(room, user, online);
    }

    @Override
    public CompletableFuture<Set<RemotePresence>> presence(RoomId room) {
      return bus.presence(room);
    }

    @Override
    public boolean isHealthy() {
      return bus.isHealthy();
    }

    @Override
    public Duration leaseTime() {
      return bus.leaseTime();
    }

    @Override
    public void close() {
      bus.close();
    }
  }

  @Test
  void startsInTheBackgroundAndAnnouncesThePresenceKeptMeanwhile() {
    other.start("other", new RecordingClusterListener());
    BrokerDownAtFirst down = new BrokerDownAtFirst(new InProcessClusterBus(network), 3);
    GuardedClusterBus guarded =
        new GuardedClusterBus(
            down,
            new DependencyBreaker("bus", SETTINGS, java.time.Clock.systemUTC(), timer),
            SETTINGS,
            workers,
            timer);
    RecordingClusterListener listener = new RecordingClusterListener();

    guarded.start("late", listener); // returns although the broker is down
    assertThat(guarded.started()).isFalse();
    assertThat(guarded.isHealthy()).isFalse();
    assertThat(guarded.presence(ROOM)).isCompletedExceptionally();
    guarded.publishPresence(ROOM, UserId.of("alice"), true);
    guarded.publishPresence(ROOM, UserId.of("bob"), true);
    guarded.publishPresence(ROOM, UserId.of("bob"), false);

    await().atMost(Duration.ofSeconds(30)).until(guarded::isHealthy);
    assertThat(down.attempts).hasValue(4);
    await().atMost(Duration.ofSeconds(30)).until(() -> listener.resyncs() == 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                other
                    .presence(ROOM)
                    .join()
                    .equals(Set.of(new ClusterBus.RemotePresence("late", UserId.of("alice")))));
    guarded.close();
  }

  @Test
  void delaysDoubleUpToTheMaximum() {
    GuardedClusterBus guarded =
        new GuardedClusterBus(
            other,
            new DependencyBreaker("bus", SETTINGS, java.time.Clock.systemUTC(), timer),
            SETTINGS,
            workers,
            timer);
    assertThat(guarded.delay(0)).isEqualTo(Duration.ofMillis(10));
    assertThat(guarded.delay(1)).isEqualTo(Duration.ofMillis(20));
    assertThat(guarded.delay(2)).isEqualTo(Duration.ofMillis(40));
    assertThat(guarded.delay(30)).isEqualTo(Duration.ofMillis(40));
  }
}
