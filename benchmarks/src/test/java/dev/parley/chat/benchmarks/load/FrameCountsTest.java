package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The M7 frame counting: what a load connection received, by kind, as ParleyWire decodes it. */
class FrameCountsTest {
  private static final RoomId ROOM = RoomId.of("m7-0");

  private final LoadClient client =
      new LoadClient(1, new InetSocketAddress("127.0.0.1", 9), new ParleyWire("x"), 1);
  private final ParleyWire wire = (ParleyWire) client.wire();

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void theWireCountsEachFrameItReceivesByKindWithItsBytes() {
    LoadConnection c = client.connection(1, ROOM.value());
    Envelope online = EnvelopeCodec.presence(ROOM, UserId.of("u2"), true);
    Envelope offline = EnvelopeCodec.presence(ROOM, UserId.of("u3"), false);
    Envelope typing = EnvelopeCodec.typingNotice(ROOM, UserId.of("u2"), true);
    Envelope receipt = EnvelopeCodec.readReceiptNotice(ROOM, UserId.of("u2"), 7);
    Envelope pong = EnvelopeCodec.pong(4, 5);

    for (Envelope e : List.of(online, offline, typing, receipt, receipt, pong)) {
      receive(c, e);
    }

    FrameCounts.Tally tally = c.frames().tally();
    assertThat(tally.frames(FrameCounts.Kind.PRESENCE)).isEqualTo(2);
    assertThat(tally.bytes(FrameCounts.Kind.PRESENCE)).isEqualTo(size(online) + size(offline));
    assertThat(tally.frames(FrameCounts.Kind.TYPING)).isEqualTo(1);
    assertThat(tally.bytes(FrameCounts.Kind.TYPING)).isEqualTo(size(typing));
    assertThat(tally.frames(FrameCounts.Kind.READ_RECEIPT)).isEqualTo(2);
    assertThat(tally.bytes(FrameCounts.Kind.READ_RECEIPT)).isEqualTo(2L * size(receipt));
    assertThat(tally.frames(FrameCounts.Kind.MESSAGE)).isZero();
    assertThat(tally.framesExcept(FrameCounts.Kind.PRESENCE)).isEqualTo(4);
    assertThat(tally.bytesExcept(FrameCounts.Kind.PRESENCE))
        .isEqualTo(size(typing) + 2L * size(receipt) + size(pong));
    assertThat(tally.framesByCase())
        .isEqualTo(
            Map.of(
                Envelope.BodyCase.PRESENCE, 2L,
                Envelope.BodyCase.TYPING, 1L,
                Envelope.BodyCase.READ_RECEIPT, 2L,
                Envelope.BodyCase.PONG, 1L));
  }

  @Test
  void anUndecodableFrameIsNotCounted() {
    LoadConnection c = client.connection(1, ROOM.value());
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});

    wire.received(c, garbage);
    garbage.release();

    assertThat(c.frames().tally().framesByCase()).isEmpty();
  }

  @Test
  void talliesAddUpOverConnectionsAndSubtractAnEarlierSnapshot() {
    LoadConnection a = client.connection(1, ROOM.value());
    LoadConnection b = client.connection(2, ROOM.value());
    a.frames().record(Envelope.BodyCase.PRESENCE, 30);
    FrameCounts.Tally before = FrameCounts.total(List.of(a, b));
    a.frames().record(Envelope.BodyCase.PRESENCE, 31);
    b.frames().record(Envelope.BodyCase.PRESENCE, 32);
    b.frames().record(Envelope.BodyCase.MESSAGE, 100);

    FrameCounts.Tally since = FrameCounts.total(List.of(a, b)).minus(before);

    assertThat(FrameCounts.total(List.of(a, b)).frames(FrameCounts.Kind.PRESENCE)).isEqualTo(3);
    assertThat(since.frames(FrameCounts.Kind.PRESENCE)).isEqualTo(2);
    assertThat(since.bytes(FrameCounts.Kind.PRESENCE)).isEqualTo(63);
    assertThat(since.frames(FrameCounts.Kind.MESSAGE)).isEqualTo(1);
    assertThat(since.bytes(FrameCounts.Kind.MESSAGE)).isEqualTo(100);
    assertThat(FrameCounts.Tally.EMPTY.framesByCase()).isEmpty();
  }

  @Test
  void aNegativeSizeIsRefusedAndCountsNothing() {
    FrameCounts counts = new FrameCounts();
    counts.record(Envelope.BodyCase.TYPING, 10);

    assertThatThrownBy(() -> counts.record(Envelope.BodyCase.TYPING, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");

    assertThat(counts.tally().frames(FrameCounts.Kind.TYPING)).isEqualTo(1);
    assertThat(counts.tally().bytes(FrameCounts.Kind.TYPING)).isEqualTo(10);
  }

  @ParameterizedTest
  @EnumSource(Envelope.BodyCase.class)
  void everyBodyCaseNamedPresenceCountsAsPresenceAndNoOtherDoes(Envelope.BodyCase bodyCase) {
    FrameCounts.Kind kind = FrameCounts.Kind.of(bodyCase);

    assertThat(kind == FrameCounts.Kind.PRESENCE).isEqualTo(bodyCase.name().startsWith("PRESENCE"));
    switch (bodyCase) {
      case TYPING -> assertThat(kind).isEqualTo(FrameCounts.Kind.TYPING);
      case READ_RECEIPT -> assertThat(kind).isEqualTo(FrameCounts.Kind.READ_RECEIPT);
      case MESSAGE -> assertThat(kind).isEqualTo(FrameCounts.Kind.MESSAGE);
      case PRESENCE -> assertThat(kind).isEqualTo(FrameCounts.Kind.PRESENCE);
      default -> assertThat(kind).isIn(FrameCounts.Kind.OTHER, FrameCounts.Kind.PRESENCE);
    }
  }

  @Test
  void aMemberSendsAtMostOneReceiptASecond() {
    LoadConnection c = client.connection(1, ROOM.value());
    long t = 5_000_000_000L;

    assertThat(c.takeReceiptTurn(t)).isTrue();
    assertThat(c.takeReceiptTurn(t + 1)).isFalse();
    assertThat(c.takeReceiptTurn(t + 999_999_999L)).isFalse();
    assertThat(c.takeReceiptTurn(t + 1_000_000_000L)).isTrue();
    assertThat(c.takeReceiptTurn(t + 1_500_000_000L)).isFalse();
  }

  private void receive(LoadConnection c, Envelope e) {
    ByteBuf frame = Unpooled.wrappedBuffer(BinaryFrames.encode(e));
    try {
      wire.received(c, frame);
    } finally {
      frame.release();
    }
  }

  private static int size(Envelope e) {
    return BinaryFrames.encode(e).remaining();
  }
}
