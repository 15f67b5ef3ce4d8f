package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.server.ChatServer;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The chat server's health, as the {@code parley} component of {@code /actuator/health}:
 *
 * <ul>
 *   <li>{@code UP} while the server {@linkplain ChatServer#isReady() is ready}: started, taking
 *       connections, its message store answering (the store's circuit breaker closed) and, in a
 *       cluster, in touch with the other nodes;
 *   <li>{@code OUT_OF_SERVICE} while it drains on shutdown (clients were told to leave);
 *   <li>{@code DOWN} otherwise: not started yet, stopped, its store failing (see {@link
 *       ChatServer#dependencies()}), or cut off from its cluster bus.
 * </ul>
 *
 * <p>Details: {@code state} (the lifecycle's), {@code sessions} (open sessions) and, while it runs,
 * {@code endpoint} (the WebSocket URI). Thread-safe; called on whichever thread asks for health.
 */
public final class ParleyHealthIndicator implements HealthIndicator {
  private final ParleyServerLifecycle lifecycle;

  /** An indicator for the server {@code lifecycle} runs. */
  public ParleyHealthIndicator(ParleyServerLifecycle lifecycle) {
    this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
  }

  @Override
  public Health health() {
    ParleyServerLifecycle.State state = lifecycle.state();
    ChatServer server = lifecycle.server();
    Health.Builder health;
    if (state == ParleyServerLifecycle.State.DRAINING) {
      health = Health.outOfService();
    } else if (state == ParleyServerLifecycle.State.RUNNING && server.isReady()) {
      health = Health.up();
    } else {
      health = Health.down();
    }
    health.withDetail("state", state.name()).withDetail("sessions", server.sessionCount());
    if (state == ParleyServerLifecycle.State.RUNNING) {
      health.withDetail("endpoint", server.webSocketUri().toString());
    }
    return health.build();
  }
}
