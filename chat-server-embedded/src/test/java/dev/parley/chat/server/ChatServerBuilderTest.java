package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.server.internal.ServerSettings;
import dev.parley.chat.spi.ServerTransport;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportHandler;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.spi.WebSocketCompression;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the builder refuses, with which message, before anything is bound; and what {@code build()}
 * copies.
 */
class ChatServerBuilderTest {
  private static final PageHandler PAGE = request -> PageResponse.text(200, "page\n");

  /** A provider that is never asked to create a transport in these tests. */
  private static final ServerTransportProvider UNUSED_TRANSPORT =
      new ServerTransportProvider() {
        @Override
        public String name() {
          return "unused";
        }

        @Override
        public ServerTransport create(
            ServerTransportConfig config, ServerTransportHandler handler) {
          throw new UnsupportedOperationException("not used by this test");
        }
      };

  private static ChatServerBuilder builder() {
    return ChatServer.builder().authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
  }

  static Stream<Arguments> misuse() {
    return Stream.of(
        refused(
            "httpPort after disableHttp",
            b -> b.disableHttp().httpPort(9000),
            IllegalStateException.class,
            "the HTTP side was turned off with disableHttp(); remove that call to use"
                + " httpPort(9000)"),
        refused(
            "httpHost after disableHttp",
            b -> b.disableHttp().httpHost("10.0.0.1"),
            IllegalStateException.class,
            "the HTTP side was turned off with disableHttp(); remove that call to use"
                + " httpHost(\"10.0.0.1\")"),
        refused(
            "httpHandler after disableHttp",
            b -> b.disableHttp().httpHandler("/page", PAGE),
            IllegalStateException.class,
            "the HTTP side was turned off with disableHttp(); remove that call to use"
                + " httpHandler(\"/page\", ...)"),
        refused(
            "disableHttp after httpPort",
            b -> b.httpPort(9000).disableHttp(),
            IllegalStateException.class,
            "the HTTP side was configured with httpPort(9000); remove that call, or remove"
                + " disableHttp() to keep the HTTP side"),
        refused(
            "disableHttp after httpHost",
            b -> b.httpHost("10.0.0.1").disableHttp(),
            IllegalStateException.class,
            "the HTTP side was configured with httpHost(\"10.0.0.1\"); remove that call, or"
                + " remove disableHttp() to keep the HTTP side"),
        refused(
            "disableHttp after httpHandler",
            b -> b.httpHandler("/page", PAGE).disableHttp(),
            IllegalStateException.class,
            "the HTTP side was configured with httpHandler(\"/page\", ...); remove that call, or"
                + " remove disableHttp() to keep the HTTP side"),
        refused(
            "the same HTTP path twice",
            b -> b.httpHandler("/page", PAGE).httpHandler("/page", PAGE),
            IllegalStateException.class,
            "a handler for /page was already added; add each path once (one handler can serve"
                + " several files below it)"),
        refused(
            "a reserved HTTP path",
            b -> b.httpHandler("/readyz", PAGE),
            IllegalArgumentException.class,
            "/readyz is reserved for the server's health checks; serve your handler under another"
                + " path"),
        refused(
            "an HTTP path without slash",
            b -> b.httpHandler("page", PAGE),
            IllegalArgumentException.class,
            "HTTP path must start with '/', was 'page'"),
        refused(
            "transport by name after an instance",
            b -> b.transport(UNUSED_TRANSPORT).transport("netty"),
            IllegalStateException.class,
            "a transport was already given with transport(provider) ('unused'); remove that call"
                + " to select 'netty' by name"),
        refused(
            "a transport instance after a name",
            b -> b.transport("netty").transport(UNUSED_TRANSPORT),
            IllegalStateException.class,
            "the transport was already selected by name with transport(\"netty\"); remove that"
                + " call to give a transport instance"),
        refused(
            "same port for WebSocket and HTTP",
            b -> b.port(9000).httpPort(9000).build(),
            IllegalStateException.class,
            "port and httpPort are both 9000: the WebSocket endpoint and the HTTP side (/healthz,"
                + " /readyz, pages) each need their own port; call httpPort(...) with another port"
                + " (default 7451), or disableHttp()"),
        refused(
            "WebSocket port on the default HTTP port",
            b -> b.port(ChatServerBuilder.DEFAULT_HTTP_PORT).build(),
            IllegalStateException.class,
            "port and httpPort are both 7451"),
        refused(
            "no authenticator",
            b -> ChatServer.builder().build(),
            IllegalStateException.class,
            "no authenticator: call authenticator(yourAuthenticator), or for demos and tests only"
                + " authenticator(DevelopmentAuthenticator.ANY_NICKNAME)"),
        refused(
            "limits that do not fit in a message",
            b -> b.maxTextBytes(60_000).build(),
            IllegalStateException.class,
            "maxTextBytes (60000) + maxPayloadBytes (32768) + 1024 bytes of framing must fit in"
                + " maxMessageBytes (65536); raise maxMessageBytes or lower the others"),
        refused(
            "a cluster bus without a shared store",
            b -> b.clusterBus(new InProcessClusterBus(new InProcessClusterBus.Network())).build(),
            IllegalStateException.class,
            "clusterBus(...) was set without messageStore(...): the nodes of a cluster must share"
                + " one store (for example JdbcMessageStore on PostgreSQL); call"
                + " messageStore(sharedStore)"),
        refused(
            "a catch-up interval without a cluster bus",
            b -> b.catchUpInterval(Duration.ofSeconds(1)).build(),
            IllegalStateException.class,
            "catchUpInterval(PT1S) is used only by a node of a cluster; call clusterBus(bus), or"
                + " remove catchUpInterval(...)"),
        refused(
            "a port out of range",
            b -> b.port(70_000),
            IllegalArgumentException.class,
            "port must be 0 to 65535, was 70000"),
        refused(
            "an HTTP port out of range",
            b -> b.httpPort(-1),
            IllegalArgumentException.class,
            "httpPort must be 0 to 65535, was -1"),
        refused(
            "a blank host",
            b -> b.host(" "),
            IllegalArgumentException.class,
            "host must not be blank"),
        refused(
            "a path without slash",
            b -> b.path("chat"),
            IllegalArgumentException.class,
            "path must start with '/', was 'chat'"),
        refused(
            "a tiny message limit",
            b -> b.maxMessageBytes(100),
            IllegalArgumentException.class,
            "maxMessageBytes must be at least 1024, was 100"),
        refused(
            "no fragments",
            b -> b.maxFragmentsPerMessage(0),
            IllegalArgumentException.class,
            "maxFragmentsPerMessage must be at least 1, was 0"),
        refused(
            "a tiny handshake limit",
            b -> b.maxHandshakeBytes(10),
            IllegalArgumentException.class,
            "maxHandshakeBytes must be at least 512, was 10"),
        refused(
            "a zero timeout",
            b -> b.connectTimeout(Duration.ZERO),
            IllegalArgumentException.class,
            "connectTimeout must be positive, was PT0S"),
        refused(
            "a zero token expiry lead",
            b -> b.tokenExpiryLead(Duration.ZERO),
            IllegalArgumentException.class,
            "tokenExpiryLead must be positive, was PT0S"),
        refused(
            "a negative ping interval",
            b -> b.pingInterval(Duration.ofSeconds(-1)),
            IllegalArgumentException.class,
            "pingInterval must be positive, was PT-1S"),
        refused(
            "a tiny outbound limit",
            b -> b.maxOutboundBytes(100),
            IllegalArgumentException.class,
            "maxOutboundBytes must be at least 4096, was 100"),
        refused(
            "a burst below the rate",
            b -> b.requestRate(10, 5),
            IllegalArgumentException.class,
            "burst 5 must be at least perSecond 10"),
        refused(
            "no rooms",
            b -> b.maxRoomsPerSession(0),
            IllegalArgumentException.class,
            "maxRoomsPerSession must be at least 1, was 0"));
  }

  private static Arguments refused(
      String what,
      Consumer<ChatServerBuilder> misuse,
      Class<? extends RuntimeException> type,
      String message) {
    return Arguments.of(what, misuse, type, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misuse")
  void misuseIsRefusedWithAMessageThatSaysTheFix(
      String what,
      Consumer<ChatServerBuilder> misuse,
      Class<? extends RuntimeException> type,
      String message) {
    assertThatThrownBy(() -> misuse.accept(builder()))
        .isInstanceOf(type)
        .hasMessageStartingWith(message);
  }

  @Test
  void samePortIsFineWhenTheHttpSideIsOffOrBothPick() {
    assertThatCode(() -> builder().port(9000).disableHttp().build()).doesNotThrowAnyException();
    assertThatCode(() -> builder().port(0).httpPort(0).build()).doesNotThrowAnyException();
  }

  @Test
  void compressionIsOffByDefaultAndReachesTheSettings() {
    assertThat(SettingsSnapshots.of(builder()).compression())
        .isEqualTo(WebSocketCompression.disabled());
    WebSocketCompression compression =
        WebSocketCompression.permessageDeflate().withMinMessageBytes(1024);
    assertThat(SettingsSnapshots.of(builder().compression(compression)).compression())
        .isEqualTo(compression);
    assertThatThrownBy(() -> builder().compression(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("compression");
  }

  @Test
  void aLaterCallReplacesAnEarlierValue() {
    ServerSettings settings =
        SettingsSnapshots.of(builder().maxTextBytes(100).maxTextBytes(200).port(1).port(2));
    assertThat(settings.maxTextBytes()).isEqualTo(200);
    assertThat(settings.port()).isEqualTo(2);
  }

  @Test
  void tokenExpiryLeadDefaultsToAMinuteAndIsCopied() {
    assertThat(SettingsSnapshots.of(builder()).tokenExpiryLead())
        .isEqualTo(ChatServerBuilder.DEFAULT_TOKEN_EXPIRY_LEAD)
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(
            SettingsSnapshots.of(builder().tokenExpiryLead(Duration.ofSeconds(5)))
                .tokenExpiryLead())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void defaultsStayClearOfThePortsApplicationServersUse() {
    ServerSettings settings = SettingsSnapshots.of(builder());
    assertThat(settings.port()).isEqualTo(ChatServerBuilder.DEFAULT_PORT).isEqualTo(7450);
    assertThat(settings.httpPort()).isEqualTo(ChatServerBuilder.DEFAULT_HTTP_PORT).isEqualTo(7451);
    assertThat(settings.httpEnabled()).isTrue();
  }

  @Test
  void theSnapshotDoesNotFollowTheBuilder() {
    ChatServerBuilder builder = builder().httpHandler("/a", PAGE).maxTextBytes(100);
    ServerSettings settings = SettingsSnapshots.of(builder);
    builder.httpHandler("/b", PAGE).maxTextBytes(200).port(1234);

    assertThat(settings.maxTextBytes()).isEqualTo(100);
    assertThat(settings.port()).isEqualTo(ChatServerBuilder.DEFAULT_PORT);
    assertThat(settings.pageHandlers()).containsOnlyKeys("/a");
    assertThatThrownBy(() -> settings.pageHandlers().put("/c", PAGE))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void developmentAuthenticatorBindsLoopbackUnlessAnAddressIsAskedFor() {
    ServerSettings development = SettingsSnapshots.of(builder());
    assertThat(development.host()).isEqualTo("127.0.0.1");
    assertThat(development.httpHost()).isEqualTo("127.0.0.1");

    ServerSettings asked = SettingsSnapshots.of(builder().host("0.0.0.0"));
    assertThat(asked.host()).isEqualTo("0.0.0.0");
    assertThat(asked.httpHost()).isEqualTo("0.0.0.0");

    ServerSettings real =
        SettingsSnapshots.of(
            ChatServer.builder()
                .authenticator(
                    request ->
                        CompletableFuture.failedFuture(new IllegalStateException("unused"))));
    assertThat(real.host()).isEqualTo(ChatServerBuilder.DEFAULT_HOST).isEqualTo("0.0.0.0");
  }

  @Test
  void aTransportGivenAsAnInstanceIsHandedOver() {
    assertThat(SettingsSnapshots.of(builder().transport(UNUSED_TRANSPORT)).transport())
        .isSameAs(UNUSED_TRANSPORT);
  }

  @Test
  void breakerSettingsAreCheckedAndCopied() {
    assertThatThrownBy(() -> builder().breakerFailureRateThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("breakerFailureRateThreshold must be 1 to 100 (percent), was 0");
    assertThatThrownBy(() -> builder().breakerFailureRateThreshold(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 101");
    assertThatThrownBy(() -> builder().breakerWindowSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("breakerWindowSize must be at least 1, was 0");
    assertThatThrownBy(() -> builder().maxPendingStoreCalls(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPendingStoreCalls must be at least 1, was -1");
    assertThatThrownBy(() -> builder().dependencyTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dependencyTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> builder().breakerOpenDuration(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("breakerOpenDuration must be positive, was PT-1S");
    assertThatThrownBy(
            () ->
                builder().dependencyReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max reconnect delay PT1S is shorter than the initial delay PT2S");

    var defaults = SettingsSnapshots.of(builder()).breakers();
    assertThat(defaults.callTimeout()).isEqualTo(ChatServerBuilder.DEFAULT_DEPENDENCY_TIMEOUT);
    assertThat(defaults.failureRateThreshold())
        .isEqualTo(ChatServerBuilder.DEFAULT_BREAKER_FAILURE_RATE_THRESHOLD);
    assertThat(defaults.windowSize()).isEqualTo(ChatServerBuilder.DEFAULT_BREAKER_WINDOW_SIZE);
    assertThat(defaults.openDuration()).isEqualTo(ChatServerBuilder.DEFAULT_BREAKER_OPEN_DURATION);
    assertThat(defaults.maxPendingCalls())
        .isEqualTo(ChatServerBuilder.DEFAULT_MAX_PENDING_STORE_CALLS);
    assertThat(defaults.reconnectInitial()).isEqualTo(ChatServerBuilder.DEFAULT_RECONNECT_INITIAL);
    assertThat(defaults.reconnectMax()).isEqualTo(ChatServerBuilder.DEFAULT_RECONNECT_MAX);

    var set =
        SettingsSnapshots.of(
                builder()
                    .dependencyTimeout(Duration.ofSeconds(2))
                    .breakerFailureRateThreshold(80)
                    .breakerWindowSize(7)
                    .breakerOpenDuration(Duration.ofSeconds(9))
                    .maxPendingStoreCalls(11)
                    .dependencyReconnectBackoff(Duration.ofMillis(50), Duration.ofSeconds(3)))
            .breakers();
    assertThat(set)
        .isEqualTo(
            new dev.parley.chat.server.internal.BreakerSettings(
                Duration.ofSeconds(2),
                80,
                7,
                Duration.ofSeconds(9),
                11,
                Duration.ofMillis(50),
                Duration.ofSeconds(3)));
  }
}
