package dev.parley.chat.client;

import java.time.Instant;
import java.util.Optional;

/**
 * The server took fresh credentials for the live session ({@code Reauthenticated}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param expiresAt when the fresh credentials expire; {@code null} when they do not
 */
public record TokenRefreshedEvent(Instant expiresAt) {
  /** {@link #expiresAt()}, empty when the credentials do not expire. */
  public Optional<Instant> expiry() {
    return Optional.ofNullable(expiresAt);
  }
}
