package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.MESSAGE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PRESENCE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PRESENCE_BATCH;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.SEND_ACK;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.WELCOME;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.PresenceBatch;
import dev.parley.chat.protocol.internal.ReadReceipt;
import dev.parley.chat.protocol.internal.Typing;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Presence gathered over the presence window: one PresenceBatch per member for clients that asked,
 * one Presence per changed user for the others, nothing a member's Joined already told it, presence
 * before any later frame of the room, and counts instead of names in a large room.
 */
class PresenceWindowTest {
  private Engine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  /** A window that never ends within a test: only another frame of the room announces. */
  private static final Duration LONG_WINDOW = Duration.ofSeconds(10);

  private FakeConnection connectBatching(String user) {
    FakeConnection c = engine.open();
    Envelope connect = engine.connectFrame(user);
    engine.send(
        c,
        connect.toBuilder()
            .setConnect(
                connect.getConnect().toBuilder().addFeatures(Protocol.FEATURE_PRESENCE_BATCH))
            .build());
    Envelope welcome = c.next(WELCOME);
    assertThat(welcome.getWelcome().getFeaturesList())
        .containsExactly(Protocol.FEATURE_PRESENCE_BATCH);
    return c;
  }

  @Test
  void aClientThatDidNotAskIsGrantedNoFeature() {
    engine = new Engine();
    FakeConnection c = engine.open();
    engine.send(c, engine.connectFrame("alice"));
    assertThat(c.next(WELCOME).getWelcome().getFeaturesList()).isEmpty();
  }

  @Test
  void joinsWithinOneWindowReachABatchingMemberAsOneFrame() throws Exception {
    engine = new Engine(b -> b.presenceWindow(Duration.ofMillis(20)));
    FakeConnection alice = connectBatching("alice");
    engine.join(alice, "r");
    alice.assertQuiet(100); // the window of alice's own join ends with nothing for her

    // bob, carol and dave join while the next window is open (the three joins take well under
    // 20 ms here; had a window ended between them, the frames would be split and this would fail)
    FakeConnection bob = connectBatching("bob");
    FakeConnection carol = engine.connect("carol");
    FakeConnection dave = connectBatching("dave");
    engine.join(bob, "r");
    engine.join(carol, "r");
    Envelope daveJoined = engine.join(dave, "r");
    assertThat(daveJoined.getJoined().getOnlineList())
        .containsExactly("alice", "bob", "carol", "dave");
    assertThat(daveJoined.getJoined().getOnlineTotal()).isEqualTo(4);

    PresenceBatch atAlice = alice.next(PRESENCE_BATCH).getPresenceBatch();
    assertThat(atAlice.getOnlineList()).containsExactly("bob", "carol", "dave");
    assertThat(atAlice.getOfflineList()).isEmpty();
    assertThat(atAlice.getOnlineTotal()).isEqualTo(4);
    // bob's Joined listed alice and bob: it hears only of those who came after
    assertThat(bob.next(PRESENCE_BATCH).getPresenceBatch().getOnlineList())
        .containsExactly("carol", "dave");
    // carol did not ask for batches: one Presence per user who came after her
    assertThat(carol.next(PRESENCE).getPresence().getUser()).isEqualTo("dave");
    alice.assertQuiet(100);
    bob.assertQuiet(0);
    carol.assertQuiet(0);
    dave.assertQuiet(0);
  }

  @Test
  void aUserWhoCameAndWentWithinTheWindowIsAnnouncedOnceInTheirFinalState() throws Exception {
    engine = new Engine(b -> b.presenceWindow(LONG_WINDOW));
    FakeConnection alice = connectBatching("alice");
    FakeConnection carol = engine.connect("carol");
    engine.join(alice, "r");
    engine.join(carol, "r");
    engine.send(alice, engine.sendFrame("r", "m1", "announces carol"));
    assertThat(alice.next(PRESENCE_BATCH).getPresenceBatch().getOnlineList())
        .containsExactly("carol");
    alice.next(MESSAGE);
    alice.next(SEND_ACK);
    carol.next(MESSAGE);

    FakeConnection bob = engine.connect("bob");
    engine.join(bob, "r");
    engine.close(bob);
    engine.send(alice, engine.sendFrame("r", "m2", "announces bob's coming and going"));
    PresenceBatch batch = alice.next(PRESENCE_BATCH).getPresenceBatch();
    assertThat(batch.getOnlineList()).isEmpty();
    assertThat(batch.getOfflineList()).containsExactly("bob");
    assertThat(alice.next(MESSAGE).getMessage().getText())
        .isEqualTo("announces bob's coming and going");
    Envelope single = carol.next(PRESENCE);
    assertThat(single.getPresence().getUser()).isEqualTo("bob");
    assertThat(single.getPresence().getOnline()).isFalse();
    carol.next(MESSAGE);
  }

  @Test
  void presenceComesBeforeAMessageSentRightAfterTheJoin() throws Exception {
    engine = new Engine(b -> b.presenceWindow(LONG_WINDOW));
    FakeConnection alice = engine.connect("alice");
    engine.join(alice, "r");
    FakeConnection bob = engine.connect("bob");
    engine.join(bob, "r");
    engine.send(bob, engine.sendFrame("r", "b1", "hi"));
    Envelope first = alice.next(PRESENCE);
    assertThat(first.getPresence().getUser()).isEqualTo("bob");
    assertThat(first.getPresence().getOnline()).isTrue();
    assertThat(alice.next(MESSAGE).getMessage().getText()).isEqualTo("hi");
    // bob's Joined listed alice: no Presence about her
    assertThat(bob.next(MESSAGE).getMessage().getText()).isEqualTo("hi");
    bob.next(SEND_ACK);
    bob.assertQuiet(50);
  }

  @Test
  void aZeroWindowAnnouncesEachChangeAtOnce() {
    engine = new Engine(b -> b.presenceWindow(Duration.ZERO));
    FakeConnection alice = connectBatching("alice");
    engine.join(alice, "r");
    FakeConnection bob = engine.connect("bob");
    engine.join(bob, "r");
    PresenceBatch batch = alice.next(PRESENCE_BATCH).getPresenceBatch();
    assertThat(batch.getOnlineList()).containsExactly("bob");
    assertThat(batch.getOnlineTotal()).isEqualTo(2);
  }

  @Test
  void aLargeRoomGivesCountsAndForwardsNoSignals() throws Exception {
    engine = new Engine(b -> b.presenceWindow(LONG_WINDOW).largeRoomThreshold(2));
    FakeConnection alice = connectBatching("alice");
    FakeConnection bob = engine.connect("bob");
    engine.join(alice, "big");
    engine.join(bob, "big");
    FakeConnection carol = connectBatching("carol");
    Envelope joined = engine.join(carol, "big");
    assertThat(joined.getJoined().getOnlineList()).as("no names in a large room").isEmpty();
    assertThat(joined.getJoined().getOnlineTotal()).isEqualTo(3);

    engine.send(
        carol,
        Envelope.newBuilder()
            .setRequestId(engine.nextRequestId())
            .setTyping(Typing.newBuilder().setRoom("big").setActive(true))
            .build());
    engine.send(carol, engine.sendFrame("big", "c1", "hello"));
    PresenceBatch counted = alice.next(PRESENCE_BATCH).getPresenceBatch();
    assertThat(counted.getOnlineList()).isEmpty();
    assertThat(counted.getOfflineList()).isEmpty();
    assertThat(counted.getOnlineTotal()).isEqualTo(3);
    assertThat(alice.next(MESSAGE).getMessage().getText())
        .as("no typing before the message")
        .isEqualTo("hello");
    assertThat(bob.next(MESSAGE).getMessage().getText())
        .as("a client without batches gets no presence in a large room")
        .isEqualTo("hello");

    engine.send(
        alice,
        Envelope.newBuilder()
            .setRequestId(engine.nextRequestId())
            .setReadReceipt(ReadReceipt.newBuilder().setRoom("big").setSeq(1))
            .build());
    engine.send(carol, engine.sendFrame("big", "c2", "again"));
    assertThat(bob.next(MESSAGE).getMessage().getText())
        .as("the receipt was not forwarded")
        .isEqualTo("again");
    assertThat(alice.next(MESSAGE).getMessage().getText())
        .as("the count did not change: no second count-only batch")
        .isEqualTo("again");
    assertThat(carol.next(PRESENCE_BATCH).getPresenceBatch().getOnlineTotal()).isEqualTo(3);
    carol.next(MESSAGE);
    carol.next(SEND_ACK);
    carol.next(MESSAGE);
    carol.next(SEND_ACK);
    alice.assertQuiet(50);
    bob.assertQuiet(0);
    carol.assertQuiet(0);
  }

  @Test
  void windowOutsideItsRangeIsRefused() {
    var builder = dev.parley.chat.server.ChatServer.builder();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> builder.presenceWindow(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("presenceWindow");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> builder.presenceWindow(Duration.ofSeconds(11)))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.largeRoomThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("largeRoomThreshold");
  }
}
