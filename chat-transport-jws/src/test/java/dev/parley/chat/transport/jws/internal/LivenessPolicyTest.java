package dev.parley.chat.transport.jws.internal;

import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Action.DROP_SILENT;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Action.DROP_STUCK;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Action.DROP_UNANSWERED_CLOSE;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Action.EXPIRE_HANDSHAKE;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Action.NONE;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Action.PING;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Phase.AWAITING_UPGRADE;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Phase.CLOSE_SENT;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Phase.CLOSING;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Phase.OPEN;
import static dev.parley.chat.transport.jws.internal.LivenessPolicy.Phase.UPGRADING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Every decision of {@link LivenessPolicy}, on a made-up clock (units are "ns"). */
class LivenessPolicyTest {
  private static final long HANDSHAKE = 1_000;
  private static final long PING_INTERVAL = 400;
  private final LivenessPolicy policy = new LivenessPolicy(HANDSHAKE, PING_INTERVAL);

  @Test
  void socketThatDoesNotUpgradeExpiresAtTheHandshakeTimeout() {
    long accepted = 5_000;
    assertThat(policy.decide(AWAITING_UPGRADE, accepted + HANDSHAKE - 1, accepted, 0, false, 0))
        .isEqualTo(NONE);
    assertThat(policy.decide(AWAITING_UPGRADE, accepted + HANDSHAKE, accepted, 0, false, 0))
        .isEqualTo(EXPIRE_HANDSHAKE);
  }

  @Test
  void upgradeThatNeverFinishesIsDroppedAtTwiceTheTimeout() {
    assertThat(policy.decide(UPGRADING, HANDSHAKE, 0, 0, false, 0)).isEqualTo(NONE);
    assertThat(policy.decide(UPGRADING, 2 * HANDSHAKE - 1, 0, 0, false, 0)).isEqualTo(NONE);
    assertThat(policy.decide(UPGRADING, 2 * HANDSHAKE, 0, 0, false, 0)).isEqualTo(DROP_STUCK);
  }

  @Test
  void silentConnectionIsPingedOnceThenDroppedAtTwoIntervals() {
    long received = 10_000;
    assertThat(policy.decide(OPEN, received + PING_INTERVAL - 1, 0, received, false, 0))
        .isEqualTo(NONE);
    assertThat(policy.decide(OPEN, received + PING_INTERVAL, 0, received, false, 0))
        .isEqualTo(PING);
    assertThat(policy.decide(OPEN, received + PING_INTERVAL + 50, 0, received, true, 0))
        .as("one ping per silent spell")
        .isEqualTo(NONE);
    assertThat(policy.decide(OPEN, received + 2 * PING_INTERVAL - 1, 0, received, true, 0))
        .isEqualTo(NONE);
    assertThat(policy.decide(OPEN, received + 2 * PING_INTERVAL, 0, received, true, 0))
        .isEqualTo(DROP_SILENT);
  }

  @Test
  void trafficStartsANewSilentSpell() {
    long pongAt = 10_500;
    assertThat(policy.decide(OPEN, pongAt + 10, 0, pongAt, false, 0)).isEqualTo(NONE);
    assertThat(policy.decide(OPEN, pongAt + PING_INTERVAL, 0, pongAt, false, 0)).isEqualTo(PING);
  }

  @Test
  void closeThatMakesNoProgressIsFinishedAtTwoIntervals() {
    long closing = 20_000;
    assertThat(policy.decide(CLOSING, closing + 2 * PING_INTERVAL - 1, 0, 0, false, closing))
        .isEqualTo(NONE);
    assertThat(policy.decide(CLOSING, closing + 2 * PING_INTERVAL, 0, 0, false, closing))
        .isEqualTo(DROP_STUCK);
  }

  @Test
  void closeFrameThePeerNeverAnswersIsGivenUpAtTwoIntervals() {
    long written = 30_000;
    assertThat(policy.closeTimeoutNanos()).isEqualTo(2 * PING_INTERVAL);
    assertThat(policy.decide(CLOSE_SENT, written + 2 * PING_INTERVAL - 1, 0, 0, false, written))
        .isEqualTo(NONE);
    assertThat(policy.decide(CLOSE_SENT, written + 2 * PING_INTERVAL, 0, 0, false, written))
        .isEqualTo(DROP_UNANSWERED_CLOSE);
  }

  @Test
  void closeFrameIsAnsweredWithinOneSecondAtMostWhateverThePingInterval() {
    LivenessPolicy slowPings = new LivenessPolicy(10_000_000_000L, 30_000_000_000L);
    long second = 1_000_000_000L;
    assertThat(slowPings.closeTimeoutNanos()).isEqualTo(second);
    assertThat(slowPings.decide(CLOSE_SENT, second - 1, 0, 0, false, 0)).isEqualTo(NONE);
    assertThat(slowPings.decide(CLOSE_SENT, second, 0, 0, false, 0))
        .isEqualTo(DROP_UNANSWERED_CLOSE);
    assertThat(slowPings.sweepPeriodNanos())
        .as("the timer looks often enough to keep that deadline")
        .isEqualTo(second / 4);
  }

  @Test
  void decisionsHoldAcrossTickerOverflow() {
    long accepted = Long.MAX_VALUE - 10;
    assertThat(policy.decide(AWAITING_UPGRADE, accepted + HANDSHAKE, accepted, 0, false, 0))
        .isEqualTo(EXPIRE_HANDSHAKE);
  }

  @Test
  void sweepsFourTimesPerShortestDurationButNotMoreThanEveryMillisecond() {
    assertThat(new LivenessPolicy(8_000_000_000L, 400_000_000L).sweepPeriodNanos())
        .isEqualTo(100_000_000L);
    assertThat(policy.sweepPeriodNanos()).isEqualTo(1_000_000L);
  }

  @Test
  void durationsMustBePositive() {
    assertThatThrownBy(() -> new LivenessPolicy(0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LivenessPolicy(1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
