package dev.parley.chat.client;

import dev.parley.chat.client.internal.FixedToken;
import java.util.concurrent.CompletionStage;

/**
 * Where a session gets its credentials: asked before every connection attempt (the first connect
 * and every reconnect), when the server says the credentials are about to expire, and once more
 * after the server revoked the session. Give one to {@link ChatClient#connect(TokenProvider,
 * ChatListener)}; {@link #fixed(String)} is what {@link ChatClient#connect(String, ChatListener)}
 * uses.
 *
 * <p>The answer decides what the session does:
 *
 * <ul>
 *   <li>a token (any string, empty included): the session connects, or sends it to the server as
 *       fresh credentials ({@code Reauthenticate}, see {@code docs/protocol.md});
 *   <li>{@code null}: there are no credentials any more (the user logged out): the session closes
 *       for good, or, for a refresh of a live connection, keeps its old credentials until they
 *       expire and then closes;
 *   <li>a failed stage (or an exception thrown here): the session reports it to {@link
 *       ChatListener#onTokenFailed}, backs off as for a failed connection and asks again. A stage
 *       that does not complete within the client's {@linkplain
 *       ChatClientBuilder#requestTimeout(java.time.Duration) request timeout} counts as failed.
 * </ul>
 *
 * <p>Threading: called on the client's callback executor, never on a network thread and never while
 * the session holds its lock (unless the application supplied a direct callback executor); at most
 * one call per session is outstanding at a time for a connection attempt. Return a stage rather
 * than blocking; the stage may complete on any thread. Implementations used by several sessions
 * must be thread-safe.
 */
@FunctionalInterface
public interface TokenProvider {
  /**
   * The credentials for the session's next connection or refresh.
   *
   * @param request why the session asks
   * @return a stage that completes with the token, with {@code null} for none, or exceptionally
   *     when the token cannot be had now
   */
  CompletionStage<String> token(TokenRequest request);

  /**
   * A provider that always answers with {@code token}, for credentials that do not expire. The
   * session takes it without calling out to the callback executor.
   *
   * @throws NullPointerException if {@code token} is null
   */
  static TokenProvider fixed(String token) {
    return new FixedToken(token);
  }
}
