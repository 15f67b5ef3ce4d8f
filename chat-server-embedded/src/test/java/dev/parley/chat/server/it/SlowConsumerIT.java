package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that stops reading is cut off; the room keeps flowing for everyone else. */
class SlowConsumerIT {
  @Test
  void slowConsumerIsClosedWhileOthersKeepReceiving() throws Exception {
    try (Fixture fixture =
        new Fixture(
            b ->
                b.maxOutboundBytes(256 * 1024)
                    .requestRate(100_000, 100_000)
                    .userSendRate(100_000, 100_000)
                    .pingInterval(Duration.ofSeconds(1)))) {
      RoomId room = RoomId.of("firehose");
      // A raw client with a tiny receive buffer that joins and then never reads again.
      RawWebSocket stuck = RawWebSocket.open(fixture.server.address(), 4096);
      assertThat(stuck.handshake("/chat", Protocol.SUBPROTOCOL_PROTOBUF, "")).isEqualTo(101);
      stuck.sendBinary(
          Envelope.newBuilder()
              .setRequestId(1)
              .setConnect(Connect.newBuilder().setProtocolVersion(1).setToken("stuck"))
              .build()
              .toByteArray());
      assertThat(RawClients.await(stuck, Envelope.BodyCase.WELCOME)).isNotNull();
      RawClients.join(stuck, room.value());
      assertThat(RawClients.await(stuck, Envelope.BodyCase.JOINED)).isNotNull();
      RecordingListener.await(
          () -> fixture.server.sessionCount() == 1, Duration.ofSeconds(5), () -> "stuck session");

      RecordingListener readerEvents = new RecordingListener();
      ChatSession reader = fixture.connect("reader", readerEvents);
      reader.join(room).get(10, TimeUnit.SECONDS);
      RecordingListener writerEvents = new RecordingListener();
      ChatSession writer = fixture.connect("writer", writerEvents);
      RoomHandle out = writer.join(room).get(10, TimeUnit.SECONDS);

      String text = "x".repeat(2_000);
      // About 24 MB through the room: far past the 256 KiB limit plus what the kernel's socket
      // buffers on both sides can absorb (up to 4 MB each way on Linux loopback).
      int messages = 12_000;
      long start = System.nanoTime();
      java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(20);
      List<java.util.concurrent.CompletableFuture<?>> sends = new java.util.ArrayList<>();
      for (int i = 0; i < messages; i++) {
        window.acquireUninterruptibly();
        sends.add(out.send(text + i).whenComplete((r, e) -> window.release()));
      }
      for (var f : sends) {
        f.get(30, TimeUnit.SECONDS);
      }
      List<ChatMessage> got = readerEvents.awaitMessages(room, messages, Duration.ofSeconds(60));
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(got).extracting(ChatMessage::seq).doesNotHaveDuplicates().isSorted();
      assertThat(got).hasSize(messages);
      RecordingListener.await(
          () -> fixture.server.sessionCount() == 2,
          Duration.ofSeconds(10),
          () -> "the stuck session to be dropped, sessions=" + fixture.server.sessionCount());
      // Reading what reached its socket ends with the close frame and its code.
      int code = stuck.awaitClose(20_000);
      assertThat(code).isIn(CloseCodes.SLOW_CONSUMER, 1006);
      System.out.printf(
          "SlowConsumerIT: %d messages of %d bytes reached the healthy reader in %.2f s; stuck"
              + " client closed with %d%n",
          messages, text.length(), seconds, code);
      stuck.close();
    }
  }
}
