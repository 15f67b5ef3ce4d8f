package dev.parley.chat.examples.spring;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.stereotype.Component;

/**
 * The example's {@link Authenticator}: a Spring bean, so the starter gives it to the chat server.
 * Looks the client's token up in {@link DemoTokens}. Thread-safe (it reads an unchanging map); runs
 * on the server's worker threads.
 */
@Component
public class TokenAuthenticator implements Authenticator {
  private final Map<String, String> users;

  /** An authenticator for the configured tokens. */
  public TokenAuthenticator(DemoTokens tokens) {
    this.users = Map.copyOf(tokens.getTokens());
  }

  // snippet:start authenticate
  @Override
  public CompletionStage<UserId> authenticate(ConnectRequest request) {
    String user = users.get(request.token());
    if (user == null) {
      return CompletableFuture.failedFuture(
          new ChatException(ErrorCode.AUTHENTICATION_FAILED, "unknown token"));
    }
    return CompletableFuture.completedFuture(UserId.of(user));
  }
  // snippet:end authenticate
}
