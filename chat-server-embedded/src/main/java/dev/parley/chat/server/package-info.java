/**
 * The embedded Parley server: build one with {@link dev.parley.chat.server.ChatServer#builder()},
 * {@code start()} it inside your application, and {@code close()} it on the way out.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.builder()
 *         .port(7450)
 *         .authenticator(myAuthenticator)
 *         .build()
 *         .start()) {
 *   ...
 * }
 * }</pre>
 */
package dev.parley.chat.server;
