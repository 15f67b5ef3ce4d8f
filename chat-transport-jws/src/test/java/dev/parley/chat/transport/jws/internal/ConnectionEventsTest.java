package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import dev.parley.chat.testkit.transport.RecordingTransportHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Serial, ordered, exactly-once delivery by {@link ConnectionEvents}, without sockets. */
class ConnectionEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final RecordingTransportHandler recorder = new RecordingTransportHandler();
  private final FakeConnection connection = new FakeConnection("c1");

  @AfterEach
  void contractHeld() {
    recorder.assertNoViolations();
  }

  private static ByteBuffer message(int value) {
    return ByteBuffer.wrap(new byte[] {(byte) value});
  }

  @Test
  void deliversOpenThenMessagesThenOneClose() throws Exception {
    recorder.echo(false);
    ConnectionEvents events = new ConnectionEvents(recorder, connection);
    events.opened();
    events.binary(message(1));
    events.text("two");
    events.closed(1000, "bye", true);
    events.closed(1006, "again", false);
    events.binary(message(3));

    recorder.awaitOpened(connection, WAIT);
    assertThat(recorder.awaitBinary(connection, WAIT)).containsExactly(1);
    assertThat(recorder.awaitText(connection, WAIT)).isEqualTo("two");
    RecordingTransportHandler.Closed closed = recorder.awaitClose(connection, WAIT);
    assertThat(closed.code()).isEqualTo(1000);
    assertThat(closed.reason()).isEqualTo("bye");
    recorder.assertEveryConnectionClosedOnce();
  }

  @Test
  void connectionClosedBeforeItOpenedIsNeverReported() {
    ConnectionEvents events = new ConnectionEvents(recorder, connection);
    events.closed(-1, "handshake timed out", false);
    events.opened();
    events.binary(message(1));
    assertThat(recorder.openCount()).isZero();
    assertThat(recorder.isClosed(connection)).isFalse();
  }

  @Test
  void aThrowingHandlerDoesNotStopDelivery() {
    List<String> calls = new ArrayList<>();
    ServerTransportHandler throwing =
        new ServerTransportHandler() {
          @Override
          public void onOpen(TransportConnection c) {
            calls.add("open");
            throw new IllegalStateException("handler bug");
          }

          @Override
          public void onBinary(TransportConnection c, ByteBuffer m) {
            calls.add("binary");
            throw new IllegalStateException("handler bug");
          }

          @Override
          public void onText(TransportConnection c, String m) {
            calls.add("text");
          }

          @Override
          public void onClose(TransportConnection c, int code, String reason, boolean remote) {
            calls.add("close " + code);
          }
        };
    ConnectionEvents events = new ConnectionEvents(throwing, connection);
    events.opened();
    events.binary(message(1));
    events.text("t");
    events.closed(1000, "", true);
    assertThat(calls).containsExactly("open", "binary", "text", "close 1000");
  }

  @Test
  void aCloseReportedWhileAMessageIsBeingDeliveredWaitsForItWithoutBlockingTheReporter()
      throws Exception {
    CountDownLatch inMessage = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> calls = new CopyOnWriteArrayList<>();
    ServerTransportHandler slow =
        new ServerTransportHandler() {
          @Override
          public void onOpen(TransportConnection c) {
            calls.add("open");
          }

          @Override
          public void onBinary(TransportConnection c, ByteBuffer m) {
            calls.add("binary on " + Thread.currentThread().getName());
            inMessage.countDown();
            await(release);
          }

          @Override
          public void onText(TransportConnection c, String m) {}

          @Override
          public void onClose(TransportConnection c, int code, String reason, boolean remote) {
            calls.add("close on " + Thread.currentThread().getName());
          }
        };
    ConnectionEvents events = new ConnectionEvents(slow, connection);
    events.opened();
    Thread worker =
        new Thread(
            () -> {
              events.binary(message(1));
            },
            "worker");
    worker.start();
    assertThat(inMessage.await(5, TimeUnit.SECONDS)).isTrue();

    events.closed(1006, "reset", true); // must return at once: the worker is delivering
    assertThat(calls).containsExactly("open", "binary on worker");

    release.countDown();
    worker.join(5_000);
    assertThat(calls).containsExactly("open", "binary on worker", "close on worker");
  }

  @Test
  void manyThreadsSubmittingNeverOverlapAndCloseComesLast() throws Exception {
    recorder.echo(false);
    ConnectionEvents events = new ConnectionEvents(recorder, connection);
    events.opened();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    events.binary(message(i));
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    events.closed(1000, "", true);
    recorder.awaitOpened(connection, WAIT);
    for (int i = 0; i < 8 * 500; i++) {
      recorder.awaitBinary(connection, WAIT);
    }
    recorder.awaitClose(connection, WAIT);
    recorder.assertEveryConnectionClosedOnce();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Just enough of a connection to be recorded. */
  private record FakeConnection(String id) implements TransportConnection {
    @Override
    public InetSocketAddress remoteAddress() {
      return null;
    }

    @Override
    public String subprotocol() {
      return "test";
    }

    @Override
    public boolean sendBinary(ByteBuffer message) {
      return false;
    }

    @Override
    public boolean sendText(String message) {
      return false;
    }

    @Override
    public long bufferedBytes() {
      return 0;
    }

    @Override
    public void close(int code, String reason) {}

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void attach(Object attachment) {}

    @Override
    public Object attachment() {
      return null;
    }
  }
}
