package dev.parley.chat.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The upgrade request's head limit, in memory. */
class HandshakeSizeLimitHandlerTest {
  private static final int LIMIT = 64;

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  /** A head of exactly {@code length} bytes, ending in CR LF CR LF. */
  private static String head(int length) {
    String start = "GET / HTTP/1.1\r\nX: ";
    return start + "a".repeat(length - start.length() - 4) + "\r\n\r\n";
  }

  @Test
  void aHeadOfExactlyTheLimitPassesInPiecesAndTheHandlerStepsAside() {
    EmbeddedChannel channel = new EmbeddedChannel(new HandshakeSizeLimitHandler(LIMIT));
    String head = head(LIMIT);
    assertThat(head).hasSize(LIMIT);
    channel.writeInbound(ascii(head.substring(0, 30)));
    channel.writeInbound(ascii(head.substring(30) + "frames"));
    assertThat(channel.pipeline().get(HandshakeSizeLimitHandler.class)).isNull();
    ByteBuf first = channel.readInbound();
    ByteBuf second = channel.readInbound();
    assertThat(
            first.toString(StandardCharsets.US_ASCII) + second.toString(StandardCharsets.US_ASCII))
        .isEqualTo(head + "frames");
    first.release();
    second.release();
    assertThat(channel.isOpen()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void oneByteMoreIsRefusedWith431AndClosed() {
    EmbeddedChannel channel = new EmbeddedChannel(new HandshakeSizeLimitHandler(LIMIT));
    ByteBuf tooLong = ascii(head(LIMIT + 1));
    channel.writeInbound(tooLong);
    assertThat(tooLong.refCnt()).isZero();
    assertThat(channel.inboundMessages()).isEmpty();
    ByteBuf answer = channel.readOutbound();
    assertThat(answer.toString(StandardCharsets.US_ASCII))
        .startsWith("HTTP/1.1 431 ")
        .contains("Connection: close\r\n");
    answer.release();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aHeadThatNeverEndsIsRefusedOnceItPassesTheLimit() {
    EmbeddedChannel channel = new EmbeddedChannel(new HandshakeSizeLimitHandler(LIMIT));
    channel.writeInbound(ascii("A".repeat(LIMIT)));
    assertThat(channel.isOpen()).isTrue();
    ByteBuf passed = channel.readInbound();
    passed.release();
    ByteBuf more = ascii("AA");
    channel.writeInbound(more);
    assertThat(more.refCnt()).isZero();
    assertThat(channel.isOpen()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void lineEndingsSplitAcrossReadsAreFound() {
    EmbeddedChannel channel = new EmbeddedChannel(new HandshakeSizeLimitHandler(LIMIT));
    for (String piece : new String[] {"GET / HTTP/1.1\r", "\n\r", "\r\n", "\r", "\n"}) {
      channel.writeInbound(ascii(piece));
    }
    assertThat(channel.pipeline().get(HandshakeSizeLimitHandler.class)).isNull();
    channel.finishAndReleaseAll();
  }
}
