package dev.parley.chat.spi;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Opens client-side connections: WebSocket ones, or another binding of the protocol such as the
 * Server-Sent Events one (docs/protocol.md). Found with {@link java.util.ServiceLoader}; the client
 * uses the one its builder names, otherwise the available one with the highest priority that
 * {@linkplain #supports(URI) supports} the endpoint (ties broken by name). Thread-safe.
 */
public interface ClientTransportProvider {
  /** A short unique name, such as {@code "jdk"}. */
  String name();

  /** Higher wins when several fit. Parley's default transport uses 0. */
  default int priority() {
    return 0;
  }

  /** Whether this provider can run here. */
  default boolean isAvailable() {
    return true;
  }

  /** Whether this provider can connect to {@code endpoint} (usually: its scheme is ws or wss). */
  default boolean supports(URI endpoint) {
    String scheme = endpoint.getScheme();
    return "ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme);
  }

  /**
   * Opens a connection. The future completes when the WebSocket upgrade has succeeded (for another
   * binding: when the connection can carry frames both ways), or exceptionally if it failed or
   * {@link ClientTransportConfig#connectTimeout()} passed. After it completes, the listener
   * receives the connection's messages and exactly one {@link ClientTransportListener#onClosed(int,
   * String)}.
   */
  CompletableFuture<ClientTransportConnection> connect(
      URI endpoint, ClientTransportConfig config, ClientTransportListener listener);
}
