package dev.parley.chat.client;

import dev.parley.chat.client.internal.RealChatClient;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point of the client: configuration and shared resources (transport, scheduler) for
 * any number of sessions. Create one per application with {@link #builder()} and share it; it is
 * immutable and thread-safe. {@link #close()} closes every session it opened and stops its
 * threads.
 */
public interface ChatClient extends AutoCloseable {
  /** A builder with every setting at its documented default. */
  static ChatClientBuilder builder() {
    return new ChatClientBuilder(RealChatClient::new);
  }

  /**
   * Opens a session: connects to the first reachable endpoint, authenticates with {@code token},
   * and completes with the session once the server has welcomed it. From then on the session
   * reconnects and resumes by itself until it is closed.
   *
   * <p>The future fails with {@link dev.parley.chat.api.ChatException} if the server refuses the
   * credentials, or if no endpoint could be reached within {@link
   * ChatClientBuilder#connectTimeout(java.time.Duration)}; the session is then closed.
   *
   * @param token the credentials the server's authenticator expects
   * @param listener receives this session's events, one at a time, on the client's callback
   *     executor
   */
  CompletableFuture<ChatSession> connect(String token, ChatListener listener);

  /** Closes every open session (with close code 1000) and releases the client's threads. */
  @Override
  void close();
}
