package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ClientConfigs;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.internal.Envelope;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A client on the scripted transport, a manual scheduler and a direct callback executor: every
 * consequence of a server frame has happened by the time {@code send} returns, and time moves only
 * with {@link ManualScheduler#advance}.
 */
final class ClientHarness implements AutoCloseable {
  final ManualScheduler scheduler = new ManualScheduler();
  final ScriptedTransport transport = new ScriptedTransport();
  final RecordingListener listener;
  final RealChatClient client;

  ClientHarness() {
    this(b -> {});
  }

  ClientHarness(Consumer<ChatClientBuilder> configure) {
    this(configure, new RecordingListener());
  }

  ClientHarness(Consumer<ChatClientBuilder> configure, RecordingListener listener) {
    this(configure, listener, UnaryOperator.identity());
  }

  /** With internal bounds changed, such as how far the listener may fall behind. */
  ClientHarness(
      Consumer<ChatClientBuilder> configure,
      RecordingListener listener,
      UnaryOperator<SessionConfig> internals) {
    this.listener = listener;
    ChatClientBuilder builder =
        ChatClient.builder()
            .endpoint(URI.create("ws://one.test/chat"))
            .scheduler(scheduler)
            .clock(scheduler.clock())
            .callbackExecutor(Runnable::run)
            .random(new Random(42));
    configure.accept(builder);
    ClientConfig config = ClientConfigs.of(builder.transport(transport));
    this.client = new RealChatClient(config, internals.apply(SessionConfig.from(config)));
  }

  CompletableFuture<ChatSession> connect() {
    return client.connect("alice-token", listener);
  }

  /** Connects, answers Welcome as {@code user}; the CONNECTED event is consumed. */
  Connected connectAndWelcome(String user) {
    CompletableFuture<ChatSession> future = connect();
    ScriptedTransport.Server server = transport.accept();
    server.welcome(user);
    assertThat(future).isCompleted();
    listener.nextState(ChatSession.State.CONNECTED);
    return new Connected(future.join(), server);
  }

  /** Joins {@code room} whose head is {@code headSeq}; returns the handle. */
  static RoomHandle join(Connected connected, String room, long headSeq) {
    CompletableFuture<RoomHandle> future = connected.session.join(RoomId.of(room));
    Envelope join = connected.server.next(Envelope.BodyCase.JOIN);
    assertThat(join.getJoin().getRoom()).isEqualTo(room);
    connected.server.send(
        Frames.joinedReply(
            join.getRequestId(), Frames.joined(room, headSeq, headSeq == 0 ? 0 : 1)));
    assertThat(future).isCompleted();
    return future.join();
  }

  @Override
  public void close() {
    client.close();
  }

  /** A welcomed session and the server end of its connection. */
  record Connected(ChatSession session, ScriptedTransport.Server server) {}
}
