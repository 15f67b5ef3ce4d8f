package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.InMemoryMessageStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real server, with the in-memory store, and a room of sessions on {@link CountingConnection}s,
 * each connected and joined with real Connect and Join frames: what the micro-benchmarks drive.
 *
 * <p>Messages reach the room two ways: {@link #deliverFromBus} hands the server a message as if
 * another node had stored it (the server fans it out and nothing else), and a member's {@link
 * CountingConnection#fromClient Send} takes the whole request path (decode, store, fan-out, ack).
 *
 * <p>Not thread-safe: one thread opens it, drives it and closes it.
 */
final class BenchmarkRoom implements AutoCloseable {
  static final RoomId ROOM = RoomId.of("benchmark-room");

  /** A typical chat line: 100 bytes of ASCII. */
  static final String TEXT =
      "Are we still on for the design review at three? I moved it to the big room, so do bring the"
          + " mockups.";

  /**
   * Messages the store keeps per room. A client message id is deduplicated only while its message
   * is kept, so a benchmark may reuse ids that are more than this many messages old.
   */
  static final int STORE_HISTORY = 1_024;

  private static final MessageId MESSAGE_ID = MessageId.of("01JD3Q7G5ZK8M2XW4N6RTPVB9C");
  private static final UserId SENDER = UserId.of("member-0");
  private static final ClientMessageId CLIENT_MESSAGE_ID = ClientMessageId.of("benchmark-message");
  private static final Instant TIMESTAMP = Instant.parse("2026-11-28T12:00:00Z");
  private static final AtomicLong PATHS = new AtomicLong();

  private final ChatServer server;
  private final DirectClusterBus bus;
  private final List<CountingConnection> members;

  private BenchmarkRoom(ChatServer server, DirectClusterBus bus, List<CountingConnection> members) {
    this.server = server;
    this.bus = bus;
    this.members = members;
  }

  /**
   * Starts a server and joins {@code members} sessions (users {@code member-0}, {@code member-1},
   * ...) to {@link #ROOM}, each on a connection that negotiated {@code subprotocol}. Counts start
   * at zero once it returns.
   */
  static BenchmarkRoom open(int members, String subprotocol)
      throws IOException, InterruptedException {
    if (members < 1) {
      throw new IllegalArgumentException("a room needs at least 1 member, was " + members);
    }
    DirectClusterBus bus = new DirectClusterBus();
    String path = "/benchmark-" + PATHS.incrementAndGet();
    ChatServer server =
        ChatServer.builder()
            .transport(CountingTransportProvider.NAME)
            .host("127.0.0.1")
            .port(0)
            .path(path)
            .disableHttp()
            .serverId("benchmark")
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(new InMemoryMessageStore(STORE_HISTORY, 1))
            .clusterBus(bus)
            // No catch-up sweep during a measurement.
            .catchUpInterval(Duration.ofHours(1))
            // Presence at once, so that all of it is sent before the counts are reset below.
            .presenceWindow(Duration.ZERO)
            .requestRate(Integer.MAX_VALUE, Integer.MAX_VALUE)
            .userSendRate(Integer.MAX_VALUE, Integer.MAX_VALUE)
            .random(new Random(1))
            .build()
            .start();
    try {
      CountingTransport transport = CountingTransportProvider.startedAt(path);
      List<CountingConnection> joined = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        joined.add(join(transport, subprotocol, "member-" + i));
      }
      // Joining also sent presence to the earlier members; measure from zero.
      joined.forEach(CountingConnection::resetCounts);
      return new BenchmarkRoom(server, bus, joined);
    } catch (InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private static CountingConnection join(
      CountingTransport transport, String subprotocol, String user) throws InterruptedException {
    CountingConnection connection = transport.open(subprotocol);
    connection.startRecording();
    connection.fromClient(EnvelopeCodec.connect(1, user, "benchmark", "", List.of()));
    connection.await(Envelope.BodyCase.WELCOME);
    connection.fromClient(EnvelopeCodec.join(2, ROOM));
    connection.await(Envelope.BodyCase.JOINED);
    connection.stopRecording();
    return connection;
  }

  /** The message with {@code seq} in {@link #ROOM}, as the store would hand it over. */
  static ChatMessage storedMessage(long seq) {
    return new ChatMessage(ROOM, seq, MESSAGE_ID, SENDER, CLIENT_MESSAGE_ID, TIMESTAMP, TEXT, null);
  }

  /** A client's Send of {@link #TEXT} to {@link #ROOM}. */
  static Envelope send(long requestId, String clientMessageId) {
    return EnvelopeCodec.send(
        requestId, ROOM, ClientMessageId.of(clientMessageId), TEXT, new byte[0]);
  }

  /** Has the server fan {@code message} out as one another node stored; on this thread. */
  void deliverFromBus(ChatMessage message) {
    bus.deliver(message);
  }

  int size() {
    return members.size();
  }

  CountingConnection member(int index) {
    return members.get(index);
  }

  /**
   * Checks what the server sent since the room was opened: {@code toFirst} frames to the first
   * member and {@code toOthers} to each other one.
   *
   * @throws IllegalStateException naming the first member that got a different number
   */
  void requireFramesSent(long toFirst, long toOthers) {
    for (int i = 0; i < members.size(); i++) {
      long expected = i == 0 ? toFirst : toOthers;
      long sent = members.get(i).framesSent();
      if (sent != expected) {
        throw new IllegalStateException(
            "member-" + i + " was sent " + sent + " frames, not " + expected);
      }
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
