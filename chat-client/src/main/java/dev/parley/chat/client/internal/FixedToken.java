package dev.parley.chat.client.internal;

import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.TokenRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What {@link TokenProvider#fixed(String)} returns: the same token every time. A session uses it
 * without calling out to the callback executor, since no application code runs.
 *
 * <p>Immutable and thread-safe. Not API.
 *
 * @param token the token
 */
public record FixedToken(String token) implements TokenProvider {
  /** Checks that the token is present. */
  public FixedToken {
    Objects.requireNonNull(token, "token");
  }

  @Override
  public CompletionStage<String> token(TokenRequest request) {
    return CompletableFuture.completedFuture(token);
  }

  @Override
  public String toString() {
    return "FixedToken[<" + token.length() + " chars>]";
  }
}
