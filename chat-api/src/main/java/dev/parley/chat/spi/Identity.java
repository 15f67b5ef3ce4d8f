package dev.parley.chat.spi;

import dev.parley.chat.api.UserId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who an {@link Authenticator} found a connecting client to be: the user, the roles the credentials
 * grant across the whole server (for example {@code "admin"}; a room's own roles are kept by the
 * server), and when the credentials stop being valid.
 *
 * <p>A session whose identity has an expiry is told before it arrives and must present fresh
 * credentials, or the server closes it when it arrives (see {@code docs/protocol.md}).
 *
 * <p>Immutable and thread-safe.
 */
public final class Identity {
  private final UserId user;
  private final Set<String> roles;
  private final Instant expiresAt;

  private Identity(UserId user, Set<String> roles, Instant expiresAt) {
    this.user = Objects.requireNonNull(user, "user");
    this.roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
    this.expiresAt = expiresAt;
  }

  /** A user with no server-wide roles whose credentials do not expire. */
  public static Identity of(UserId user) {
    return new Identity(user, Set.of(), null);
  }

  /**
   * A user with server-wide roles and, unless {@code expiresAt} is null, an expiry.
   *
   * @throws NullPointerException if {@code user} or {@code roles} (or one of them) is null
   */
  public static Identity of(UserId user, Set<String> roles, Instant expiresAt) {
    return new Identity(user, roles, expiresAt);
  }

  /** The authenticated user. */
  public UserId user() {
    return user;
  }

  /** Server-wide roles granted by the credentials; empty when none. */
  public Set<String> roles() {
    return roles;
  }

  /** When the credentials stop being valid; empty when they do not expire. */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Identity other
        && user.equals(other.user)
        && roles.equals(other.roles)
        && Objects.equals(expiresAt, other.expiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(user, roles, expiresAt);
  }

  @Override
  public String toString() {
    return "Identity[user=" + user + ", roles=" + roles + ", expiresAt=" + expiresAt + "]";
  }
}
