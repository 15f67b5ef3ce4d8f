package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ClientMessageId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client message ids, heartbeats, message reassembly. */
class SmallPartsTest {
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234})
  void clientMessageIdsAreValidUniqueAndSeeded(long seed) {
    ClientMessageIds ids = new ClientMessageIds(new Random(seed));
    ClientMessageIds same = new ClientMessageIds(new Random(seed));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ClientMessageId id = ids.next();
      assertThat(id.value()).hasSizeLessThanOrEqualTo(ClientMessageId.MAX_LENGTH);
      assertThat(seen.add(id.value())).isTrue();
      assertThat(same.next()).isEqualTo(id);
    }
    assertThat(new ClientMessageIds(new Random(seed + 1)).next())
        .isNotEqualTo(new ClientMessageIds(new Random(seed)).next());
  }

  @Test
  void outgoingMessageBuilderTakesTextPayloadAndIdAndRefusesAnEmptyMessage() {
    byte[] payload = {1, 2};
    var message =
        dev.parley.chat.client.OutgoingMessage.builder()
            .text("moved")
            .payload(payload)
            .clientMessageId(ClientMessageId.of("m-1"))
            .build();
    payload[0] = 9;
    assertThat(message.text()).isEqualTo("moved");
    assertThat(message.payload()).containsExactly(1, 2);
    assertThat(message.clientMessageId()).contains(ClientMessageId.of("m-1"));
    assertThat(dev.parley.chat.client.OutgoingMessage.builder().payload(payload).build().text())
        .isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dev.parley.chat.client.OutgoingMessage.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("none was set");
  }

  @Test
  void outgoingMessageCarriesAttachmentTokensInOrderAndMayHaveNothingElse() {
    var message =
        dev.parley.chat.client.OutgoingMessage.builder()
            .attachment("token-1")
            .attachment("token-2")
            .build();
    assertThat(message.text()).isEmpty();
    assertThat(message.attachmentTokens()).containsExactly("token-1", "token-2");
    assertThat(message.withClientMessageId(ClientMessageId.of("m-2")).attachmentTokens())
        .containsExactly("token-1", "token-2");
    assertThat(message.toString()).contains("attachments=2").doesNotContain("token-1");
    assertThat(dev.parley.chat.client.OutgoingMessage.text("hi").attachmentTokens()).isEmpty();

    var builder = dev.parley.chat.client.OutgoingMessage.builder();
    for (int i = 0; i < dev.parley.chat.api.Attachment.MAX_PER_MESSAGE; i++) {
      builder.attachment("t" + i);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.attachment("one too many"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at most 10 attachments");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> dev.parley.chat.client.OutgoingMessage.builder().attachment(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void heartbeatPingsOnceWhenQuietAndIsDeadAfterTwoIntervals() {
    Heartbeat heartbeat = new Heartbeat(Duration.ofSeconds(10), 0);
    assertThat(heartbeat.check(9_999)).isEqualTo(Heartbeat.Action.NOTHING);
    assertThat(heartbeat.nextCheckDelayMillis(9_999)).isEqualTo(1);
    assertThat(heartbeat.check(10_000)).isEqualTo(Heartbeat.Action.PING);
    assertThat(heartbeat.check(15_000)).isEqualTo(Heartbeat.Action.NOTHING);
    assertThat(heartbeat.nextCheckDelayMillis(15_000)).isEqualTo(5_000);
    assertThat(heartbeat.check(20_000)).isEqualTo(Heartbeat.Action.DEAD);
    heartbeat.inbound(20_000);
    assertThat(heartbeat.check(29_000)).isEqualTo(Heartbeat.Action.NOTHING);
    assertThat(heartbeat.check(30_000)).isEqualTo(Heartbeat.Action.PING);
  }

  @Test
  void assemblerJoinsPartsAndRefusesOversizedMessages() {
    MessageAssembler assembler = new MessageAssembler(10);
    assertThat(assembler.append(ByteBuffer.wrap(new byte[] {1, 2, 3}))).isTrue();
    assertThat(assembler.append(ByteBuffer.wrap(new byte[] {4, 5}))).isTrue();
    ByteBuffer whole = assembler.take();
    assertThat(whole.remaining()).isEqualTo(5);
    assertThat(whole.get(4)).isEqualTo((byte) 5);
    assertThat(assembler.size()).isZero();

    assertThat(assembler.append(ByteBuffer.wrap(new byte[10]))).isTrue();
    assembler.take();
    assertThat(assembler.append(ByteBuffer.wrap(new byte[6]))).isTrue();
    assertThat(assembler.append(ByteBuffer.wrap(new byte[5]))).isFalse();
    assertThat(assembler.size()).isZero();
  }

  @Test
  void assemblerCopiesSoTheJdkMayReuseItsBuffers() {
    MessageAssembler assembler = new MessageAssembler(1024);
    byte[] part = {7, 7};
    assembler.append(ByteBuffer.wrap(part));
    part[0] = 0;
    assertThat(assembler.take().get(0)).isEqualTo((byte) 7);
  }
}
