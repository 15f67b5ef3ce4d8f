package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server transport with no sockets, for benchmarks: the benchmark opens connections itself and
 * plays the client's frames into the server, and the connections count what the server sends to
 * them. Selected only by name ({@code ChatServerBuilder.transport("counting")}); its priority is
 * below every real transport's, so a server that names none never picks it.
 *
 * <p>The server creates the transport through {@link java.util.ServiceLoader}, so a benchmark finds
 * it afterwards by the server's WebSocket path: give each server a path of its own and call {@link
 * #startedAt(String)}. Thread-safe.
 */
public final class CountingTransportProvider implements ServerTransportProvider {
  /** The name to select this transport with. */
  public static final String NAME = "counting";

  private static final Map<String, CountingTransport> STARTED = new ConcurrentHashMap<>();

  /** Called by {@link java.util.ServiceLoader}. */
  public CountingTransportProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return -1_000;
  }

  @Override
  public ServerTransport create(ServerTransportConfig config, ServerTransportHandler handler) {
    return new CountingTransport(config, handler);
  }

  /**
   * The started transport of the server whose WebSocket path is {@code path}.
   *
   * @throws IllegalStateException if no such transport is running
   */
  static CountingTransport startedAt(String path) {
    CountingTransport transport = STARTED.get(path);
    if (transport == null) {
      throw new IllegalStateException(
          "no counting transport is running at " + path + "; start a server with that path first");
    }
    return transport;
  }

  static void started(CountingTransport transport) {
    if (STARTED.putIfAbsent(transport.path(), transport) != null) {
      throw new IllegalStateException(
          "a counting transport already runs at " + transport.path() + "; give each server a path");
    }
  }

  static void stopped(CountingTransport transport) {
    STARTED.remove(transport.path(), transport);
  }
}
