package dev.parley.chat.client;

import dev.parley.chat.client.internal.RealChatClient;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point of the client: configuration and shared resources (transport, scheduler) for any
 * number of sessions. Create one per application with {@link #builder()} and share it; it is
 * immutable and thread-safe. {@link #close()} closes every session it opened and stops its threads.
 *
 * <p>Connect, join a room and send a message; the future completes once the server has stored it:
 *
 * <pre>{@code
 * URI endpoint = URI.create("ws://127.0.0.1:8080/chat");
 * try (ChatClient client = ChatClient.builder().endpoint(endpoint).build()) {
 *   ChatSession session =
 *       client.connect("alice", new ChatListener() {}).get(10, TimeUnit.SECONDS);
 *   RoomHandle room = session.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);
 *   SendReceipt receipt = room.send("Hello!").get(10, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * <p>Messages from others arrive at the {@link ChatListener} given to {@link #connect}. The
 * README's quickstart ({@code examples/.../Quickstart.java}, compiled and run by the build) shows
 * the whole exchange.
 */
public interface ChatClient extends AutoCloseable {
  /** A builder with every setting at its documented default. */
  static ChatClientBuilder builder() {
    return new ChatClientBuilder(RealChatClient::create);
  }

  /**
   * Opens a session: connects to the first reachable endpoint, authenticates with {@code token},
   * and completes with the session once the server has welcomed it. From then on the session
   * reconnects and resumes by itself until it is closed.
   *
   * <p>The first connection tries each endpoint once, in order, without backoff; each attempt (TCP,
   * upgrade and Welcome) may take {@link ChatClientBuilder#connectTimeout(java.time.Duration)}. The
   * future fails with {@link dev.parley.chat.api.ChatException} if the server refuses the
   * credentials ({@code AUTHENTICATION_FAILED}), or refuses the session for another reason that a
   * retry cannot fix, or if no endpoint welcomed the session ({@code UNAVAILABLE}); the session is
   * then closed and {@code listener} gets {@link ChatListener#onClosed}.
   *
   * <p>The future completes on the client's callback executor, as every future of the session does.
   *
   * @param token the credentials the server's authenticator expects, sent again on every reconnect;
   *     for credentials that expire, use {@link #connect(TokenProvider, ChatListener)}: a fixed
   *     token the server finds expired (close code 4004) ends the session
   * @param listener receives this session's events, one at a time, on the client's callback
   *     executor
   */
  default CompletableFuture<ChatSession> connect(String token, ChatListener listener) {
    return connect(TokenProvider.fixed(token), listener);
  }

  /**
   * Opens a session, as {@link #connect(String, ChatListener)} does, with credentials from {@code
   * tokens}: the session asks it for a token before every connection attempt, and for fresh
   * credentials when the server says the current ones expire soon (it then sends them without
   * interrupting the session). Credentials that expire before fresh ones arrived end the connection
   * (close code 4004); the session gets a new token and reconnects, resuming where it was, so no
   * message is lost or delivered twice. A token that has already expired when the server checks it
   * (error {@code AUTHENTICATION_FAILED}, close code 4004) is replaced the same way, after a
   * backoff delay, also on the first connect, unless the provider hands back that same token, which
   * closes the session. After the server revoked the session (close code 4005) it asks once more
   * and reconnects only with a token. If the provider answers {@code null} when asked for a
   * connection, the session closes ({@code AUTHENTICATION_FAILED}); if it fails, the session
   * reports it to {@link ChatListener#onTokenFailed} and asks again after a backoff delay, also on
   * the first connect.
   *
   * @param tokens where the session gets its credentials; see {@link TokenProvider}
   * @param listener receives this session's events, one at a time, on the client's callback
   *     executor
   */
  CompletableFuture<ChatSession> connect(TokenProvider tokens, ChatListener listener);

  /**
   * Closes every open session (with close code 1000), waits briefly for their closing handshakes,
   * and releases every thread the client started: its callback pool and timer (not executors the
   * application supplied) and the transport's. Returns once they have stopped, unless called from
   * one of them. Idempotent; {@link #connect} afterwards fails with {@code NOT_CONNECTED}.
   */
  @Override
  void close();
}
