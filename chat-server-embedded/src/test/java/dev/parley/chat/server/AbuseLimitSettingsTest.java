package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.server.internal.AbuseLimits;
import dev.parley.chat.spi.OriginPolicy;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The abuse limits' setters: defaults, what they refuse and with which message, what they copy. */
class AbuseLimitSettingsTest {
  private static ChatServerBuilder builder() {
    return ChatServer.builder().authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
  }

  private static AbuseLimits limits(ChatServerBuilder builder) {
    return SettingsSnapshots.of(builder).abuseLimits();
  }

  @Test
  void defaultsAreTheDocumentedConstants() {
    AbuseLimits limits = limits(builder());
    assertThat(limits.sends())
        .isEqualTo(
            new AbuseLimits.Rate(
                ChatServerBuilder.DEFAULT_USER_SENDS_PER_SECOND,
                ChatServerBuilder.DEFAULT_USER_SEND_BURST));
    assertThat(limits.joins()).isEqualTo(new AbuseLimits.Rate(10, 100));
    assertThat(limits.historyReads()).isEqualTo(new AbuseLimits.Rate(20, 100));
    assertThat(limits.maxConnectionsPerUser()).isEqualTo(32);
    assertThat(limits.maxRoomsPerUser()).isEqualTo(1024);
    assertThat(limits.maxTokenBytes()).isEqualTo(8192);
    assertThat(limits.maxConnectionsPerAddress()).isEqualTo(1000);
    assertThat(limits.originPolicy()).isEqualTo(OriginPolicy.sameHost());
  }

  @Test
  void settingsAreCopied() {
    AbuseLimits limits =
        limits(
            builder()
                .userSendRate(1, 2)
                .userJoinRate(3, 4)
                .userHistoryReadRate(5, 6)
                .maxConnectionsPerUser(7)
                .maxRoomsPerUser(8)
                .maxTokenBytes(640)
                .maxConnectionsPerAddress(10)
                .allowedOrigins("https://chat.example.com", "http://localhost:3000"));
    assertThat(limits)
        .isEqualTo(
            new AbuseLimits(
                new AbuseLimits.Rate(1, 2),
                new AbuseLimits.Rate(3, 4),
                new AbuseLimits.Rate(5, 6),
                7,
                8,
                640,
                10,
                OriginPolicy.allowing(
                    List.of("https://chat.example.com", "http://localhost:3000"))));
    assertThat(limits(builder().allowedOrigins("*")).originPolicy())
        .isEqualTo(OriginPolicy.anyOrigin());
  }

  @Test
  void theLimitPerAddressIsNeverAboveMaxConnections() {
    assertThat(limits(builder().maxConnections(50)).maxConnectionsPerAddress()).isEqualTo(50);
    assertThat(
            limits(builder().maxConnectionsPerAddress(20).maxConnections(50))
                .maxConnectionsPerAddress())
        .isEqualTo(20);
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        bad(b -> b.userSendRate(0, 10), "userSendRate perSecond must be at least 1, was 0"),
        bad(b -> b.userSendRate(10, 5), "userSendRate burst 5 must be at least perSecond 10"),
        bad(b -> b.userJoinRate(-1, 1), "userJoinRate perSecond must be at least 1, was -1"),
        bad(b -> b.userJoinRate(2, 1), "userJoinRate burst 1 must be at least perSecond 2"),
        bad(
            b -> b.userHistoryReadRate(0, 0),
            "userHistoryReadRate perSecond must be at least 1, was 0"),
        bad(
            b -> b.userHistoryReadRate(3, 2),
            "userHistoryReadRate burst 2 must be at least perSecond 3"),
        bad(b -> b.maxConnectionsPerUser(0), "maxConnectionsPerUser must be at least 1, was 0"),
        bad(b -> b.maxRoomsPerUser(0), "maxRoomsPerUser must be at least 1, was 0"),
        bad(b -> b.maxTokenBytes(63), "maxTokenBytes must be at least 64, was 63"),
        bad(
            b -> b.maxConnectionsPerAddress(0),
            "maxConnectionsPerAddress must be at least 1, was 0"),
        bad(
            b -> b.allowedOrigins(),
            "allowedOrigins: no origin given: list at least one, such as"
                + " https://chat.example.com"),
        bad(
            b -> b.allowedOrigins("https://chat.example.com/app"),
            "allowedOrigins: 'https://chat.example.com/app' is not an origin: write scheme://host"
                + " or scheme://host:port, with no path, such as https://chat.example.com"),
        bad(
            b -> b.allowedOrigins("chat.example.com"),
            "allowedOrigins: 'chat.example.com' is not an origin"),
        bad(
            b -> b.allowedOrigins("https://user@chat.example.com"),
            "allowedOrigins: 'https://user@chat.example.com' is not an origin"),
        bad(
            b -> b.allowedOrigins("*", "https://chat.example.com"),
            "allowedOrigins: \"*\" allows every origin; give it alone, not with [*,"
                + " https://chat.example.com]"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badInput")
  void badInputIsRefusedAtOnceAndChangesNothing(Consumer<ChatServerBuilder> call, String message) {
    ChatServerBuilder builder = builder();
    AbuseLimits before = limits(builder);
    assertThatThrownBy(() -> call.accept(builder))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
    assertThat(limits(builder)).isEqualTo(before);
  }

  @Test
  void nullOriginsAreRefused() {
    assertThatThrownBy(() -> builder().allowedOrigins((String[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("origins");
    assertThatThrownBy(() -> builder().allowedOrigins("https://a.example", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("origin");
  }

  private static Arguments bad(Consumer<ChatServerBuilder> call, String message) {
    return Arguments.of(call, message);
  }
}
