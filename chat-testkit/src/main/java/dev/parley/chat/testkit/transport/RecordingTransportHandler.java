package dev.parley.chat.testkit.transport;

import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.TransportConnection;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A {@link ServerTransportHandler} for transport tests: it records every call per connection,
 * checks the threading contract as calls arrive, and by default echoes each message back on the
 * same connection. Thread-safe.
 *
 * <p>Checked on every call, and reported by {@link #assertNoViolations()}: calls for one connection
 * never overlap; {@code onOpen} comes first and once; messages only between {@code onOpen} and
 * {@code onClose}; {@code onClose} exactly once and only after {@code onOpen}; no call runs on a
 * thread registered with {@link #forbidCallbacksOn(Thread)} (a test thread that calls into the
 * transport, since callbacks belong on the transport's own threads).
 */
public final class RecordingTransportHandler implements ServerTransportHandler {

  /** One call the handler received. */
  public sealed interface Event permits Opened, BinaryMessage, TextMessage, Closed {
    /** The connection the call was for. */
    TransportConnection connection();
  }

  /**
   * {@code onOpen} was called.
   *
   * @param connection the connection
   * @param subprotocol its subprotocol at that moment
   */
  public record Opened(TransportConnection connection, String subprotocol) implements Event {}

  /**
   * {@code onBinary} was called.
   *
   * @param connection the connection
   * @param payload a copy of the message
   */
  public record BinaryMessage(TransportConnection connection, byte[] payload) implements Event {}

  /**
   * {@code onText} was called.
   *
   * @param connection the connection
   * @param text the message
   */
  public record TextMessage(TransportConnection connection, String text) implements Event {}

  /**
   * {@code onClose} was called.
   *
   * @param connection the connection
   * @param code the close code
   * @param reason the close reason
   * @param remote whether the peer started the close
   * @param thread the name of the thread the call ran on
   */
  public record Closed(
      TransportConnection connection, int code, String reason, boolean remote, String thread)
      implements Event {}

  private enum State {
    NEW,
    OPEN,
    CLOSED
  }

  private static final class ConnectionLog {
    final AtomicInteger inFlight = new AtomicInteger();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final AtomicInteger closes = new AtomicInteger();
    volatile State state = State.NEW;
  }

  private final BlockingQueue<TransportConnection> opened = new LinkedBlockingQueue<>();
  private final Map<TransportConnection, ConnectionLog> logs = new ConcurrentHashMap<>();
  private final List<TransportConnection> openOrder = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Set<Thread> forbiddenThreads = ConcurrentHashMap.newKeySet();
  private volatile boolean echo = true;
  private volatile BiConsumer<TransportConnection, byte[]> afterBinary =
      (connection, payload) -> {};

  /** Whether to send every message back on its connection (on by default). */
  public void echo(boolean enabled) {
    this.echo = enabled;
  }

  /**
   * Also runs {@code action} on the transport's thread after each binary message is recorded (and
   * echoed, if echo is on).
   */
  public void afterBinary(BiConsumer<TransportConnection, byte[]> action) {
    this.afterBinary = Objects.requireNonNull(action, "action");
  }

  /** Records a violation if a callback ever runs on {@code thread}. */
  public void forbidCallbacksOn(Thread thread) {
    forbiddenThreads.add(thread);
  }

  @Override
  public void onOpen(TransportConnection connection) {
    ConnectionLog log = enter(connection, "onOpen");
    try {
      if (log.state != State.NEW) {
        violation(connection, "onOpen called again");
      }
      log.state = State.OPEN;
      log.events.add(new Opened(connection, connection.subprotocol()));
      openOrder.add(connection);
      opened.add(connection);
    } finally {
      log.inFlight.decrementAndGet();
    }
  }

  @Override
  public void onBinary(TransportConnection connection, ByteBuffer message) {
    ConnectionLog log = enter(connection, "onBinary");
    try {
      requireOpen(connection, log, "onBinary");
      byte[] copy = new byte[message.remaining()];
      message.duplicate().get(copy);
      log.events.add(new BinaryMessage(connection, copy));
      if (echo) {
        connection.sendBinary(ByteBuffer.wrap(copy));
      }
      afterBinary.accept(connection, copy);
    } finally {
      log.inFlight.decrementAndGet();
    }
  }

  @Override
  public void onText(TransportConnection connection, String message) {
    ConnectionLog log = enter(connection, "onText");
    try {
      requireOpen(connection, log, "onText");
      log.events.add(new TextMessage(connection, message));
      if (echo) {
        connection.sendText(message);
      }
    } finally {
      log.inFlight.decrementAndGet();
    }
  }

  @Override
  public void onClose(TransportConnection connection, int code, String reason, boolean remote) {
    ConnectionLog log = enter(connection, "onClose");
    try {
      if (log.state == State.NEW) {
        violation(connection, "onClose without onOpen");
      }
      if (log.closes.incrementAndGet() > 1) {
        violation(connection, "onClose called " + log.closes.get() + " times");
      }
      log.state = State.CLOSED;
      log.events.add(
          new Closed(connection, code, reason, remote, Thread.currentThread().getName()));
    } finally {
      log.inFlight.decrementAndGet();
    }
  }

  private ConnectionLog enter(TransportConnection connection, String call) {
    ConnectionLog log = logs.computeIfAbsent(connection, c -> new ConnectionLog());
    if (log.inFlight.incrementAndGet() != 1) {
      violation(connection, call + " overlapped another call for the same connection");
    }
    if (forbiddenThreads.contains(Thread.currentThread())) {
      violation(
          connection,
          call + " ran on " + Thread.currentThread().getName() + ", a thread that called in");
    }
    return log;
  }

  private void requireOpen(TransportConnection connection, ConnectionLog log, String call) {
    if (log.state != State.OPEN) {
      violation(connection, call + " while the connection was " + log.state);
    }
  }

  private void violation(TransportConnection connection, String what) {
    violations.add(connection.id() + ": " + what);
  }

  /** The next connection to open, in order of {@code onOpen}. */
  public TransportConnection awaitOpen(Duration timeout) throws InterruptedException {
    TransportConnection connection = opened.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (connection == null) {
      throw new AssertionError("no connection opened within " + timeout);
    }
    return connection;
  }

  /** The next call for {@code connection}. */
  public Event awaitEvent(TransportConnection connection, Duration timeout)
      throws InterruptedException {
    Event event = log(connection).events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (event == null) {
      throw new AssertionError("no event for " + connection.id() + " within " + timeout);
    }
    return event;
  }

  /** The next call for {@code connection}, which must be {@code onOpen}. */
  public Opened awaitOpened(TransportConnection connection, Duration timeout)
      throws InterruptedException {
    return expect(awaitEvent(connection, timeout), Opened.class);
  }

  /** The next call for {@code connection}, which must be {@code onBinary}; returns the bytes. */
  public byte[] awaitBinary(TransportConnection connection, Duration timeout)
      throws InterruptedException {
    return expect(awaitEvent(connection, timeout), BinaryMessage.class).payload();
  }

  /** The next call for {@code connection}, which must be {@code onText}; returns the text. */
  public String awaitText(TransportConnection connection, Duration timeout)
      throws InterruptedException {
    return expect(awaitEvent(connection, timeout), TextMessage.class).text();
  }

  /** Skips messages until {@code onClose} for {@code connection}. */
  public Closed awaitClose(TransportConnection connection, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Event event = log(connection).events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (event == null) {
        throw new AssertionError(connection.id() + " was not closed within " + timeout);
      }
      if (event instanceof Closed closed) {
        return closed;
      }
    }
  }

  /** Whether {@code onClose} was called for {@code connection}. */
  public boolean isClosed(TransportConnection connection) {
    return log(connection).closes.get() > 0;
  }

  /** How many connections were opened so far. */
  public int openCount() {
    return openOrder.size();
  }

  /** Every connection opened so far, in order. */
  public List<TransportConnection> openedConnections() {
    return new ArrayList<>(openOrder);
  }

  /** Fails if any contract violation was seen. */
  public void assertNoViolations() {
    if (!violations.isEmpty()) {
      throw new AssertionError("transport broke the handler contract: " + violations);
    }
  }

  /** Fails unless every opened connection got exactly one {@code onClose}. */
  public void assertEveryConnectionClosedOnce() {
    List<String> problems = new ArrayList<>();
    for (TransportConnection connection : openOrder) {
      int closes = log(connection).closes.get();
      if (closes != 1) {
        problems.add(connection.id() + " closed " + closes + " times");
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("onClose must be called exactly once: " + problems);
    }
  }

  private ConnectionLog log(TransportConnection connection) {
    return logs.computeIfAbsent(connection, c -> new ConnectionLog());
  }

  private static <E extends Event> E expect(Event event, Class<E> type) {
    if (!type.isInstance(event)) {
      throw new AssertionError("expected " + type.getSimpleName() + " but got " + describe(event));
    }
    return type.cast(event);
  }

  private static String describe(Event event) {
    if (event instanceof BinaryMessage binary) {
      return "BinaryMessage of " + binary.payload().length + " bytes";
    }
    if (event instanceof TextMessage text) {
      return "TextMessage of "
          + text.text().getBytes(StandardCharsets.UTF_8).length
          + " UTF-8 bytes";
    }
    return event.toString();
  }
}
