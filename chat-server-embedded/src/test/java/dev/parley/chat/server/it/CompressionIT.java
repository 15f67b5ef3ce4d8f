package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.spi.WebSocketCompression;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code compression(...)} on the builder reaches the transport: a browser-like offer of {@code
 * permessage-deflate} is agreed to only when it is configured, and Parley's Java client, which
 * offers nothing, keeps chatting uncompressed with a server that compresses.
 */
class CompressionIT {
  private static final String OFFER =
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

  private static String agreedExtensions(Fixture fixture) throws Exception {
    InetSocketAddress address = fixture.server.address();
    try (RawWebSocket raw = RawWebSocket.open(address, 0)) {
      assertThat(raw.handshake("/chat", Protocol.SUBPROTOCOL_JSON, OFFER)).isEqualTo(101);
      return raw.acceptedExtensions();
    }
  }

  @Test
  void theBuildersCompressionReachesTheTransportAndTheJavaClientStillChats() throws Exception {
    try (Fixture fixture =
        new Fixture(b -> b.compression(WebSocketCompression.permessageDeflate().withLevel(1)))) {
      assertThat(agreedExtensions(fixture)).isEqualTo("permessage-deflate");

      RoomId room = RoomId.of("compressed");
      ChatSession alice = fixture.connect("alice", new RecordingListener());
      RecordingListener bobEvents = new RecordingListener();
      ChatSession bob = fixture.connect("bob", bobEvents);
      RoomHandle aliceRoom = alice.join(room).get(10, TimeUnit.SECONDS);
      bob.join(room).get(10, TimeUnit.SECONDS);
      String text = "x".repeat(2000);
      aliceRoom.send(text).get(10, TimeUnit.SECONDS);
      RecordingListener.await(
          () -> bobEvents.messages(room).stream().anyMatch(m -> m.text().equals(text)),
          Duration.ofSeconds(10),
          () -> "bob to get alice's message");
    }
  }

  @Test
  void withoutCompressionConfiguredTheOfferIsDeclined() throws Exception {
    try (Fixture fixture = new Fixture()) {
      assertThat(agreedExtensions(fixture)).isNull();
    }
  }
}
