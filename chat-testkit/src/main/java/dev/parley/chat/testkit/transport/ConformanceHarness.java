package dev.parley.chat.testkit.transport;

import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One conformance test's transport and peers: starts the transport, opens clients against it, and
 * closes everything afterwards, peers first. Also makes the test payloads. Not thread-safe (one
 * test thread).
 */
final class ConformanceHarness {
  private final ServerTransportProvider provider;
  private final RecordingTransportHandler handler;
  private final String path;
  private final String subprotocol;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> peers = new ArrayList<>();
  private ServerTransport transport;

  ConformanceHarness(
      ServerTransportProvider provider,
      RecordingTransportHandler handler,
      String path,
      String subprotocol) {
    this.provider = provider;
    this.handler = handler;
    this.path = path;
    this.subprotocol = subprotocol;
  }

  ServerTransport start(ServerTransportConfig config) throws IOException {
    if (transport != null) {
      throw new IllegalStateException("one transport per test");
    }
    transport = provider.create(config, handler);
    transport.start();
    return transport;
  }

  ServerTransport transport() {
    return transport;
  }

  InetSocketAddress address() {
    return transport.localAddress();
  }

  HttpClient http() {
    return http;
  }

  URI uri(String target) {
    return URI.create("ws://127.0.0.1:" + address().getPort() + target);
  }

  /** Closes {@code peer} after the test. */
  <T extends AutoCloseable> T track(T peer) {
    peers.add(peer);
    return peer;
  }

  /** A JDK client on the endpoint, asking for {@code subprotocols}. */
  WebSocketTestClient client(String... subprotocols) throws InterruptedException {
    return track(WebSocketTestClient.connect(http, uri(path), List.of(subprotocols)));
  }

  /** A raw peer that completed the upgrade. */
  RawWebSocket rawUpgraded() throws IOException {
    return track(RawWebSocket.connect(address(), path, subprotocol));
  }

  /** A raw peer that only connected. */
  RawWebSocket rawOpen(int receiveBufferBytes) throws IOException {
    return track(RawWebSocket.open(address(), receiveBufferBytes));
  }

  /** Closes the peers, then the transport. */
  void closeAll() throws Exception {
    for (AutoCloseable peer : peers) {
      peer.close();
    }
    if (transport != null) {
      transport.close();
    }
  }

  /** {@code length} bytes of a pattern that differs per {@code seed}. */
  static byte[] bytes(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed + i * 31);
    }
    return bytes;
  }

  /** Runs every task on its own thread at once; fails with the first failure. */
  static void inParallel(List<Runnable> tasks, Duration timeout) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<?>> running = new ArrayList<>();
      for (Runnable task : tasks) {
        running.add(threads.submit(task));
      }
      for (Future<?> task : running) {
        task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Names of live threads that are not in {@code before} and not {@code ignored}. */
  static List<String> threadsStartedSince(Set<Thread> before, Predicate<Thread> ignored) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t) && !ignored.test(t))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }
}
