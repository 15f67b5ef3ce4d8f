package dev.parley.chat.server.internal;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.SettingsSnapshots;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The server's protocol engine without a network: {@link ServerCore} driven through {@link
 * FakeConnection}s, with a manual clock and seeded randomness.
 */
final class Engine implements AutoCloseable {
  final ManualClock clock = new ManualClock();
  final ServerSettings settings;
  final ServerContext context;
  final ServerCore core;
  private final ExecutorService workers = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private long requestIds;

  Engine() {
    this(b -> {});
  }

  Engine(Consumer<ChatServerBuilder> configure) {
    this(configure, UnaryOperator.identity());
  }

  /** An engine whose settings snapshot is changed by {@code adjust} (what no builder sets yet). */
  Engine(Consumer<ChatServerBuilder> configure, UnaryOperator<ServerSettings> adjust) {
    ChatServerBuilder builder =
        ChatServer.builder()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .clock(clock)
            .connectTimeout(Duration.ofSeconds(5));
    configure.accept(builder);
    settings = adjust.apply(SettingsSnapshots.of(builder));
    context =
        new ServerContext(
            settings,
            "test",
            settings.messageStore() != null
                ? settings.messageStore()
                : new InMemoryMessageStore(1000),
            settings.access().store() != null
                ? settings.access().store()
                : new dev.parley.chat.server.InMemoryRoomAccessStore(),
            settings.clusterBus() != null ? settings.clusterBus() : SingleNodeBus.INSTANCE,
            workers,
            scheduler,
            new MessageIdGenerator(clock, new Random(42)));
    core = new ServerCore(context);
    context.accepting(true);
  }

  FakeConnection open() {
    return open(Protocol.SUBPROTOCOL_PROTOBUF);
  }

  FakeConnection open(String subprotocol) {
    FakeConnection c = new FakeConnection(subprotocol);
    core.onOpen(c);
    return c;
  }

  void send(FakeConnection c, Envelope e) {
    if (c.subprotocol().equals(Protocol.SUBPROTOCOL_JSON)) {
      core.onText(c, JsonFrames.encode(e));
    } else {
      core.onBinary(c, ByteBuffer.wrap(e.toByteArray()));
    }
  }

  void sendRaw(FakeConnection c, byte[] bytes) {
    core.onBinary(c, ByteBuffer.wrap(bytes));
  }

  long nextRequestId() {
    return ++requestIds;
  }

  /** Opens a connection, connects as {@code user} and consumes the Welcome. */
  FakeConnection connect(String user) {
    FakeConnection c = open();
    send(c, connectFrame(user));
    c.next(Envelope.BodyCase.WELCOME);
    return c;
  }

  Envelope connectFrame(String user) {
    return Envelope.newBuilder()
        .setRequestId(nextRequestId())
        .setConnect(
            Connect.newBuilder()
                .setProtocolVersion(Protocol.VERSION)
                .setToken(user)
                .setClientName("test")
                .setClientVersion("1"))
        .build();
  }

  /** Joins and returns the Joined frame. */
  Envelope join(FakeConnection c, String room) {
    send(
        c,
        Envelope.newBuilder()
            .setRequestId(nextRequestId())
            .setJoin(Join.newBuilder().setRoom(room))
            .build());
    return c.next(Envelope.BodyCase.JOINED);
  }

  Envelope sendFrame(String room, String clientMessageId, String text) {
    return Envelope.newBuilder()
        .setRequestId(nextRequestId())
        .setSend(Send.newBuilder().setRoom(room).setClientMessageId(clientMessageId).setText(text))
        .build();
  }

  void close(FakeConnection c) {
    core.onClose(c, 1000, "", true);
  }

  @Override
  public void close() {
    workers.shutdownNow();
    scheduler.shutdownNow();
  }

  /** A clock that moves only when told. */
  static final class ManualClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
