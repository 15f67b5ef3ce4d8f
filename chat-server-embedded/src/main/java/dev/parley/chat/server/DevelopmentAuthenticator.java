package dev.parley.chat.server;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * <strong>Unsafe for production.</strong> Accepts any token that is a valid user id as that user:
 * whoever connects as "alice" is alice. Meant for demos and tests only; a real deployment checks a
 * signed token or a session cookie in its own {@link Authenticator}. Thread-safe (stateless).
 */
public final class DevelopmentAuthenticator implements Authenticator {
  /** The one instance. */
  public static final DevelopmentAuthenticator ANY_NICKNAME = new DevelopmentAuthenticator();

  private DevelopmentAuthenticator() {}

  @Override
  public CompletionStage<UserId> authenticate(ConnectRequest request) {
    try {
      return CompletableFuture.completedFuture(UserId.of(request.token()));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new AuthenticationException("nickname is not a valid user id: " + e.getMessage()));
    }
  }
}
