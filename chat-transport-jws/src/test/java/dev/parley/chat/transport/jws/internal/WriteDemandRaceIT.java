package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.testkit.net.RawWebSocket;
import dev.parley.chat.testkit.transport.RecordingTransportHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cause of the delivery stall: a frame queued by another thread while the selector thread ends
 * a write pass. Java-WebSocket's selector thread empties a socket's output queue, then drops write
 * interest; a frame queued in between (its write interest set before the drop) stayed queued until
 * the next write on that socket, which, on a quiet connection, is the next liveness ping.
 *
 * <p>The library hides the loss in one case: when the selector did not also read from the socket in
 * that loop, the socket's key stays in the selected set with its old "writable" readiness, and the
 * next loop writes the frame after all. So the stall needs a loop that reads and writes the same
 * socket, as under steady traffic. The test builds exactly that loop, without timing gambles,
 * through the transport's hook that runs on the selector thread between "queue empty" and "drop
 * write interest":
 *
 * <ol>
 *   <li>The pass that writes the upgrade response holds the selector thread in the hook until the
 *       server has queued {@code first} and the client's frame has arrived (checked on the socket).
 *   <li>The next loop reads the client's frame and writes {@code first}; in that pass's hook
 *       another thread sends {@code second} and finishes its send.
 *   <li>The client must get {@code second} within 5 s (the ping interval is 60 s, so no ping can
 *       write it instead).
 * </ol>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteDemandRaceIT {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String PATH = "/chat";

  private final RecordingTransportHandler handler = new RecordingTransportHandler();
  private final BlockingQueue<Consumer<JwsSocket>> passes = new LinkedBlockingQueue<>();
  private JwsServerTransport transport;

  @AfterEach
  void close() {
    if (transport != null) {
      transport.close();
    }
  }

  @Test
  void aFrameQueuedWhileTheSelectorEndsAWritePassIsStillWritten() throws Exception {
    ServerTransportConfig config =
        new ServerTransportConfig(
            new InetSocketAddress("127.0.0.1", 0),
            PATH,
            List.of(Protocol.SUBPROTOCOL_PROTOBUF),
            4096,
            8,
            2048,
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            8);
    handler.echo(false); // an echo would be a later write that writes a stranded frame too
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<JwsSocket> serverSocket = new AtomicReference<>();
    passes.add(
        socket -> { // 1: the upgrade response was written
          serverSocket.set(socket);
          awaitRelease(release);
        });
    passes.add(
        socket -> { // 2: "first" was written in a loop that also read the client's frame
          TransportConnection connection = socket.connection();
          Thread sender = new Thread(() -> connection.sendBinary(utf8("second")), "sender");
          sender.start();
          join(sender);
        });
    transport =
        new JwsServerTransport(
            config,
            handler,
            System::nanoTime,
            socket -> {
              Consumer<JwsSocket> step = passes.poll();
              if (step != null) {
                step.accept(socket);
              }
            });
    transport.start();

    try (RawWebSocket client =
        RawWebSocket.connect(
            new InetSocketAddress("127.0.0.1", transport.localAddress().getPort()),
            PATH,
            Protocol.SUBPROTOCOL_PROTOBUF)) {
      TransportConnection connection = handler.awaitOpen(WAIT);
      // The selector thread is now held in the first pass's hook, past that pass's last look at
      // the queue: "first" can only be written by the next pass.
      await().atMost(WAIT).until(() -> serverSocket.get() != null);
      assertThat(connection.sendBinary(utf8("first"))).isTrue();
      client.sendBinary(utf8Bytes("from the client"));
      awaitReadable(((CountingChannel) serverSocket.get().getChannel()).socket());
      release.countDown();

      assertThat(text(client.readFrame((int) WAIT.toMillis()))).isEqualTo("first");
      RawWebSocket.Frame second = client.readFrame((int) WAIT.toMillis());
      assertThat(second).as("the frame queued in the window, within %s", WAIT).isNotNull();
      assertThat(text(second)).isEqualTo("second");
      // "second" is only ever sent from the second pass's hook, so both passes were in the window.
      assertThat(passes).isEmpty();
      handler.awaitOpened(connection, WAIT);
      assertThat(handler.awaitBinary(connection, WAIT)).isEqualTo(utf8Bytes("from the client"));
    }
  }

  /** Waits until bytes are ready to read on the server's socket, without reading them. */
  private static void awaitReadable(SocketChannel channel) throws IOException {
    try (Selector probe = Selector.open()) {
      SelectionKey key = channel.register(probe, SelectionKey.OP_READ);
      await().atMost(WAIT).until(() -> probe.selectNow() > 0 && key.isReadable());
      key.cancel();
    }
  }

  private static void awaitRelease(CountDownLatch latch) {
    try {
      latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] utf8Bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(utf8Bytes(text));
  }

  private static String text(RawWebSocket.Frame frame) {
    assertThat(frame).isNotNull();
    assertThat(frame.opcode()).isEqualTo(RawWebSocket.BINARY);
    return new String(frame.payload(), StandardCharsets.UTF_8);
  }
}
