package dev.parley.chat.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fragment reassembly and its limits, in memory. */
class WebSocketMessageAggregatorTest {
  private static final int MAX_BYTES = 10;
  private static final int MAX_FRAGMENTS = 3;

  private final EmbeddedChannel channel =
      new EmbeddedChannel(new WebSocketMessageAggregator(MAX_BYTES, MAX_FRAGMENTS, false));
  private final List<WebSocketFrame> sent = new ArrayList<>();

  @AfterEach
  void nothingLeaks() {
    channel.finishAndReleaseAll();
    for (WebSocketFrame frame : sent) {
      assertThat(frame.refCnt()).as("released: %s", frame).isZero();
    }
  }

  private <F extends WebSocketFrame> F track(F frame) {
    sent.add(frame);
    return frame;
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  private String readText() {
    TextWebSocketFrame frame = channel.readInbound();
    try {
      assertThat(frame.isFinalFragment()).isTrue();
      return frame.text();
    } finally {
      frame.release();
    }
  }

  @Test
  void aMessageInOneFramePassesAsItIs() {
    TextWebSocketFrame whole = new TextWebSocketFrame("whole");
    channel.writeInbound(whole);
    TextWebSocketFrame read = channel.readInbound();
    assertThat(read).isSameAs(whole);
    read.release();
  }

  @Test
  void fragmentsUpToTheLimitsAreJoinedAndControlFramesPassBetweenThem() {
    channel.writeInbound(track(new TextWebSocketFrame(false, 0, bytes("abc"))));
    channel.writeInbound(track(new PingWebSocketFrame(bytes("p"))));
    channel.writeInbound(track(new ContinuationWebSocketFrame(false, 0, bytes(""))));
    channel.writeInbound(track(new ContinuationWebSocketFrame(true, 0, bytes("defghij"))));
    PingWebSocketFrame ping = channel.readInbound();
    ping.release();
    assertThat(readText()).isEqualTo("abcdefghij");

    channel.writeInbound(track(new BinaryWebSocketFrame(false, 0, bytes("x"))));
    channel.writeInbound(track(new ContinuationWebSocketFrame(true, 0, bytes("y"))));
    BinaryWebSocketFrame binary = channel.readInbound();
    assertThat(binary.content().toString(StandardCharsets.UTF_8)).isEqualTo("xy");
    binary.release();
  }

  @Test
  void oneFragmentTooManyIsAProtocolErrorAndLaterFramesAreDropped() {
    channel.writeInbound(track(new BinaryWebSocketFrame(false, 0, bytes("a"))));
    channel.writeInbound(track(new ContinuationWebSocketFrame(false, 0, bytes(""))));
    channel.writeInbound(track(new ContinuationWebSocketFrame(false, 0, bytes(""))));
    assertThatThrownBy(
            () -> channel.writeInbound(track(new ContinuationWebSocketFrame(false, 0, bytes("")))))
        .isInstanceOfSatisfying(
            CorruptedWebSocketFrameException.class,
            e -> assertThat(e.closeStatus().code()).isEqualTo(1002));
    channel.writeInbound(track(new ContinuationWebSocketFrame(true, 0, bytes("late"))));
    channel.writeInbound(track(new BinaryWebSocketFrame(bytes("next"))));
    assertThat(channel.inboundMessages()).isEmpty();
  }

  @Test
  void oneByteOverTheSizeLimitInTotalIsMessageTooBig() {
    channel.writeInbound(track(new TextWebSocketFrame(false, 0, bytes("12345"))));
    assertThatThrownBy(
            () ->
                channel.writeInbound(
                    track(new ContinuationWebSocketFrame(true, 0, bytes("678901")))))
        .isInstanceOfSatisfying(
            CorruptedWebSocketFrameException.class,
            e -> assertThat(e.closeStatus().code()).isEqualTo(1009));
    assertThat(channel.inboundMessages()).isEmpty();
  }

  @Test
  void withCompressionRsv1OfTheFirstFrameIsKeptAndEveryOtherRsvBitIsRefused() {
    EmbeddedChannel compressed =
        new EmbeddedChannel(new WebSocketMessageAggregator(MAX_BYTES, MAX_FRAGMENTS, true));
    try {
      compressed.writeInbound(track(new BinaryWebSocketFrame(false, 4, bytes("ab"))));
      compressed.writeInbound(track(new ContinuationWebSocketFrame(true, 0, bytes("cd"))));
      BinaryWebSocketFrame joined = compressed.readInbound();
      assertThat(joined.rsv()).isEqualTo(4);
      assertThat(joined.content().toString(StandardCharsets.UTF_8)).isEqualTo("abcd");
      joined.release();

      List<WebSocketFrame> refused =
          List.of(
              new BinaryWebSocketFrame(true, 2, bytes("x")),
              new TextWebSocketFrame(true, 5, bytes("x")),
              new PingWebSocketFrame(true, 4, bytes("x")));
      for (WebSocketFrame frame : refused) {
        EmbeddedChannel fresh =
            new EmbeddedChannel(new WebSocketMessageAggregator(MAX_BYTES, MAX_FRAGMENTS, true));
        assertThatThrownBy(() -> fresh.writeInbound(track(frame)))
            .as("rsv %d on %s", frame.rsv(), frame.getClass().getSimpleName())
            .isInstanceOfSatisfying(
                CorruptedWebSocketFrameException.class,
                e -> assertThat(e.closeStatus().code()).isEqualTo(1002));
        fresh.finishAndReleaseAll();
      }
      compressed.writeInbound(track(new BinaryWebSocketFrame(false, 4, bytes("a"))));
      assertThatThrownBy(
              () ->
                  compressed.writeInbound(
                      track(new ContinuationWebSocketFrame(true, 4, bytes("b")))))
          .isInstanceOf(CorruptedWebSocketFrameException.class);
    } finally {
      compressed.finishAndReleaseAll();
    }
  }

  @Test
  void withoutCompressionAnRsvBitIsRefused() {
    assertThatThrownBy(
            () -> channel.writeInbound(track(new TextWebSocketFrame(true, 4, bytes("x")))))
        .isInstanceOf(CorruptedWebSocketFrameException.class);
  }
}
