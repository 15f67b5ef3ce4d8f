package dev.parley.chat.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.testkit.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TypingIndicatorTest {
  private static final RoomId GENERAL = RoomId.of("general");
  private static final RoomId RANDOM = RoomId.of("random");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final TypingIndicator typing = new TypingIndicator(clock);

  @Test
  void nobodyTypingIsAnEmptyDescription() {
    assertThat(typing.describe(GENERAL)).isEmpty();
    assertThat(typing.describe(null)).isEmpty();
  }

  @Test
  void namesWhoIsTypingInTheRoomAsked() {
    typing.update(GENERAL, UserId.of("carol"), true);
    typing.update(GENERAL, UserId.of("alice"), true);
    typing.update(RANDOM, UserId.of("bob"), true);

    assertThat(typing.describe(GENERAL)).isEqualTo("alice and carol are typing");
    assertThat(typing.describe(RANDOM)).isEqualTo("bob is typing");

    typing.update(GENERAL, UserId.of("bob"), true);
    typing.update(GENERAL, UserId.of("dave"), true);
    assertThat(typing.describe(GENERAL)).isEqualTo("alice, bob and 2 more are typing");
  }

  @Test
  void stoppingOrForgettingRemovesAMember() {
    typing.update(GENERAL, UserId.of("alice"), true);
    typing.update(GENERAL, UserId.of("bob"), true);
    typing.update(GENERAL, UserId.of("alice"), false);
    assertThat(typing.describe(GENERAL)).isEqualTo("bob is typing");
    typing.forget(GENERAL, UserId.of("bob"));
    assertThat(typing.describe(GENERAL)).isEmpty();
  }

  @Test
  void aSignalNotRefreshedExpires() {
    typing.update(GENERAL, UserId.of("alice"), true);
    clock.advance(TypingIndicator.EXPIRY.minusSeconds(1));
    typing.update(GENERAL, UserId.of("bob"), true);
    assertThat(typing.describe(GENERAL)).isEqualTo("alice and bob are typing");

    clock.advance(Duration.ofSeconds(2));
    assertThat(typing.describe(GENERAL)).isEqualTo("bob is typing");

    typing.update(GENERAL, UserId.of("bob"), true); // refreshed
    clock.advance(TypingIndicator.EXPIRY.minusSeconds(1));
    assertThat(typing.describe(GENERAL)).isEqualTo("bob is typing");
  }
}
