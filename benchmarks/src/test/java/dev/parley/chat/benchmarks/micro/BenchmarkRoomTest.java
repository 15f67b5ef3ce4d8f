package dev.parley.chat.benchmarks.micro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixture the micro-benchmarks measure really delivers: a benchmark of a fan-out that sends
 * nothing would report a fine time.
 */
class BenchmarkRoomTest {
  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void aMessageFromTheBusReachesEveryMember(String subprotocol) throws Exception {
    try (BenchmarkRoom room = BenchmarkRoom.open(3, subprotocol)) {
      room.member(2).startRecording();

      room.deliverFromBus(BenchmarkRoom.storedMessage(1));
      room.deliverFromBus(BenchmarkRoom.storedMessage(2));

      room.requireFramesSent(2, 2);
      Message first = room.member(2).await(Envelope.BodyCase.MESSAGE).getMessage();
      assertThat(first.getRoom()).isEqualTo(BenchmarkRoom.ROOM.value());
      assertThat(first.getSeq()).isEqualTo(1);
      assertThat(first.getSender()).isEqualTo("member-0");
      assertThat(first.getText()).isEqualTo(BenchmarkRoom.TEXT);
      assertThat(room.member(2).await(Envelope.BodyCase.MESSAGE).getMessage().getSeq())
          .isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Protocol.SUBPROTOCOL_PROTOBUF, Protocol.SUBPROTOCOL_JSON})
  void aSendIsStoredFannedOutAndAcknowledged(String subprotocol) throws Exception {
    try (BenchmarkRoom room = BenchmarkRoom.open(3, subprotocol)) {
      CountingConnection sender = room.member(0);
      sender.startRecording();
      Object frame = sender.encode(BenchmarkRoom.send(5, "client-message-1"));

      sender.fromClientEncoded(frame);

      assertThat(sender.await(Envelope.BodyCase.MESSAGE).getMessage().getSeq()).isEqualTo(1);
      assertThat(sender.await(Envelope.BodyCase.SEND_ACK).getRequestId()).isEqualTo(5);
      room.requireFramesSent(2, 1);
    }
  }

  @Test
  void aResentClientMessageIdIsNotDeliveredAgain() throws Exception {
    try (BenchmarkRoom room = BenchmarkRoom.open(2, Protocol.SUBPROTOCOL_PROTOBUF)) {
      Object frame = room.member(0).encode(BenchmarkRoom.send(5, "client-message-1"));

      room.member(0).fromClientEncoded(frame);
      room.member(0).fromClientEncoded(frame);

      // Two acknowledgements, one delivery: the count check catches a benchmark that reuses ids.
      assertThatThrownBy(() -> room.requireFramesSent(4, 2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("member-0 was sent 3 frames, not 4");
    }
  }

  @Test
  void aServerThatNamesNoTransportStillGetsTheRealOne() {
    // The other benchmarks in this module start servers over real sockets.
    ServerTransportProvider chosen =
        ProviderLookup.select(
            ServerTransportProvider.class,
            ProviderLookup.load(ServerTransportProvider.class, getClass().getClassLoader()),
            null,
            ServerTransportProvider::name,
            ServerTransportProvider::priority,
            ServerTransportProvider::isAvailable,
            "");

    assertThat(chosen).isNotInstanceOf(CountingTransportProvider.class);
  }

  @Test
  void theTextIsAHundredBytes() {
    assertThat(BenchmarkRoom.TEXT.getBytes(StandardCharsets.UTF_8)).hasSize(100);
  }
}
