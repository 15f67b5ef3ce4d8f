package dev.parley.chat.spi;

/**
 * Creates server-side WebSocket transports. Found with {@link java.util.ServiceLoader}; the server
 * uses the one its builder names, otherwise the {@linkplain #isAvailable() available} one with the
 * highest {@linkplain #priority() priority} (ties broken by name). Implementations must be
 * thread-safe and cheap to construct.
 */
public interface ServerTransportProvider {
  /** A short unique name, such as {@code "java-websocket"}, used to select it explicitly. */
  String name();

  /** Higher wins when several are available. Parley's default transport uses 0. */
  default int priority() {
    return 0;
  }

  /** Whether this provider can run here (its library is present, the platform fits). */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Creates a transport that is not started yet.
   *
   * @param config limits and addresses; the transport must enforce every limit in it
   * @param handler receives connection events; see {@link ServerTransportHandler} for threads
   * @throws NullPointerException if {@code config} or {@code handler} is null
   */
  ServerTransport create(ServerTransportConfig config, ServerTransportHandler handler);
}
