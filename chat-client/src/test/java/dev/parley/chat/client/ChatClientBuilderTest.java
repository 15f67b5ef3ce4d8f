package dev.parley.chat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.client.internal.ClientConfig;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the client builder refuses, with which message; and what {@code build()} copies. */
class ChatClientBuilderTest {
  private static final URI ENDPOINT = URI.create("ws://127.0.0.1:7450/chat");

  /** A provider these tests never connect with; it supports ws:// and wss:// only. */
  private static final ClientTransportProvider UNUSED_TRANSPORT =
      new ClientTransportProvider() {
        @Override
        public String name() {
          return "unused";
        }

        @Override
        public CompletableFuture<ClientTransportConnection> connect(
            URI endpoint, ClientTransportConfig config, ClientTransportListener listener) {
          throw new UnsupportedOperationException("not used by this test");
        }
      };

  static Stream<Arguments> misuse() {
    return Stream.of(
        refused(
            "the same endpoint twice",
            b -> b.endpoint(ENDPOINT).endpoint(ENDPOINT),
            IllegalStateException.class,
            "endpoint ws://127.0.0.1:7450/chat was already added; add each endpoint once (the"
                + " session already comes back to it after trying the others)"),
        refused(
            "transport by name after an instance",
            b -> b.transport(UNUSED_TRANSPORT).transport("jdk"),
            IllegalStateException.class,
            "a transport was already given with transport(provider) ('unused'); remove that call"
                + " to select 'jdk' by name"),
        refused(
            "a transport instance after a name",
            b -> b.transport("jdk").transport(UNUSED_TRANSPORT),
            IllegalStateException.class,
            "the transport was already selected by name with transport(\"jdk\"); remove that call"
                + " to give a transport instance"),
        refused(
            "no endpoint",
            ChatClientBuilder::build,
            IllegalStateException.class,
            "no endpoint: call endpoint(URI.create(\"ws://host:port/chat\")) before build()"),
        refused(
            "a given transport that cannot reach an endpoint",
            b ->
                b.endpoint(URI.create("http://127.0.0.1/chat")).transport(UNUSED_TRANSPORT).build(),
            IllegalStateException.class,
            "transport 'unused' given with transport(provider) does not support"
                + " http://127.0.0.1/chat; give endpoints it supports, or another transport"),
        refused(
            "a relative endpoint",
            b -> b.endpoint(URI.create("/chat")),
            IllegalArgumentException.class,
            "endpoint must be an absolute ws://, wss://, http:// or https:// URI with a host, was"
                + " /chat"),
        refused(
            "an SSE fallback that is not http(s)",
            b -> b.sseFallback(URI.create("ws://127.0.0.1:7450/chat")),
            IllegalArgumentException.class,
            "sseFallback must be an absolute http:// or https:// URI with a host (the server's SSE"
                + " endpoint, such as http://host:7451/chat/sse), was ws://127.0.0.1:7450/chat"),
        refused(
            "a blank transport name",
            b -> b.transport(" "),
            IllegalArgumentException.class,
            "transport must not be blank"),
        refused(
            "a blank client name",
            b -> b.clientInfo("", "1"),
            IllegalArgumentException.class,
            "client name must not be blank"),
        refused(
            "a zero connect timeout",
            b -> b.connectTimeout(Duration.ZERO),
            IllegalArgumentException.class,
            "connectTimeout must be positive, was PT0S"),
        refused(
            "a negative request timeout",
            b -> b.requestTimeout(Duration.ofSeconds(-1)),
            IllegalArgumentException.class,
            "requestTimeout must be positive, was PT-1S"),
        refused(
            "a max backoff below the initial one",
            b -> b.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
            IllegalArgumentException.class,
            "max backoff PT1S is shorter than initial backoff PT2S"),
        refused(
            "a zero heartbeat",
            b -> b.heartbeatInterval(Duration.ZERO),
            IllegalArgumentException.class,
            "heartbeatInterval must be positive, was PT0S"),
        refused(
            "an empty outbox",
            b -> b.maxOutbox(0),
            IllegalArgumentException.class,
            "maxOutbox must be positive, was 0"),
        refused(
            "a tiny message limit",
            b -> b.maxMessageBytes(10),
            IllegalArgumentException.class,
            "maxMessageBytes must be at least 1024, was 10"),
        refused(
            "an HTTP endpoint that is a WebSocket URI",
            b -> b.httpEndpoint(ENDPOINT),
            IllegalArgumentException.class,
            "httpEndpoint must be an absolute http:// or https:// URI with a host and no query (the"
                + " server's HTTP side, such as http://host:7451/chat), was"
                + " ws://127.0.0.1:7450/chat"),
        refused(
            "a tiny upload chunk",
            b -> b.uploadChunkSize(100),
            IllegalArgumentException.class,
            "uploadChunkSize must be between 1024 bytes and 64 MiB, was 100"));
  }

  @Test
  void theHttpEndpointDefaultsToTheSseEndpointWithoutItsSse() {
    URI sse = URI.create("https://chat.example:7451/chat/sse");
    assertThat(ClientConfigs.of(ChatClient.builder().endpoint(ENDPOINT)).httpEndpoint()).isNull();
    assertThat(
            ClientConfigs.of(ChatClient.builder().endpoint(ENDPOINT).sseFallback(sse))
                .httpEndpoint())
        .isEqualTo(URI.create("https://chat.example:7451/chat"));
    assertThat(ClientConfigs.of(ChatClient.builder().endpoint(sse)).httpEndpoint())
        .isEqualTo(URI.create("https://chat.example:7451/chat"));
    URI given = URI.create("http://files.example/parley");
    ClientConfig config =
        ClientConfigs.of(
            ChatClient.builder().endpoint(ENDPOINT).sseFallback(sse).httpEndpoint(given));
    assertThat(config.httpEndpoint()).isEqualTo(given);
    assertThat(config.uploadChunkBytes()).isEqualTo(ChatClientBuilder.DEFAULT_UPLOAD_CHUNK_BYTES);
  }

  private static Arguments refused(
      String what,
      Consumer<ChatClientBuilder> misuse,
      Class<? extends RuntimeException> type,
      String message) {
    return Arguments.of(what, misuse, type, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misuse")
  void misuseIsRefusedWithAMessageThatSaysTheFix(
      String what,
      Consumer<ChatClientBuilder> misuse,
      Class<? extends RuntimeException> type,
      String message) {
    assertThatThrownBy(() -> misuse.accept(ChatClient.builder()))
        .isInstanceOf(type)
        .hasMessage(message);
  }

  @Test
  void theSnapshotDoesNotFollowTheBuilder() {
    ChatClientBuilder builder = ChatClient.builder().endpoint(ENDPOINT).maxOutbox(5);
    ClientConfig config = ClientConfigs.of(builder);
    builder.maxOutbox(6).endpoint(URI.create("ws://127.0.0.2:7450/chat"));

    assertThat(config.maxOutbox()).isEqualTo(5);
    assertThat(config.endpoints()).containsExactly(ENDPOINT);
    assertThatThrownBy(() -> config.endpoints().add(ENDPOINT))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aLaterCallReplacesAnEarlierValue() {
    ClientConfig config =
        ClientConfigs.of(ChatClient.builder().endpoint(ENDPOINT).maxOutbox(5).maxOutbox(7));
    assertThat(config.maxOutbox()).isEqualTo(7);
  }

  @Test
  void aTransportGivenAsAnInstanceIsNotClosedWithTheClient() {
    ClosableTransport given = new ClosableTransport();
    ChatClient client = ChatClient.builder().endpoint(ENDPOINT).transport(given).build();
    client.close();
    assertThat(given.closed).as("the application's transport is left open").isFalse();
  }

  /** A transport that can be closed, and remembers whether it was. */
  private static final class ClosableTransport implements ClientTransportProvider, AutoCloseable {
    volatile boolean closed;

    @Override
    public String name() {
      return "closable";
    }

    @Override
    public CompletableFuture<ClientTransportConnection> connect(
        URI endpoint, ClientTransportConfig config, ClientTransportListener listener) {
      throw new UnsupportedOperationException("not used by this test");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void aTransportGivenAsAnInstanceIsHandedOver() {
    ClientConfig config =
        ClientConfigs.of(ChatClient.builder().endpoint(ENDPOINT).transport(UNUSED_TRANSPORT));
    assertThat(config.transport()).isSameAs(UNUSED_TRANSPORT);
    assertThat(config.transportName()).isNull();
  }
}
