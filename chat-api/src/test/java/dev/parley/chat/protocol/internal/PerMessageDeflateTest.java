package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.spi.WebSocketCompression;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class PerMessageDeflateTest {
  private static final WebSocketCompression ON = WebSocketCompression.permessageDeflate();

  @Test
  void negotiationTakesTheFirstAcceptableOfferAndAnswersWithWhatWasAgreed() {
    assertThat(PerMessageDeflate.negotiate(List.of("permessage-deflate"), ON).response())
        .isEqualTo("permessage-deflate");
    assertThat(
            PerMessageDeflate.negotiate(
                List.of(
                    "permessage-deflate; server_max_window_bits=9, "
                        + "permessage-deflate; server_no_context_takeover; "
                        + "client_max_window_bits=\"12\""),
                ON))
        .isEqualTo(
            new PerMessageDeflate.Agreement(
                false, true, "permessage-deflate; server_no_context_takeover"));
    assertThat(
            PerMessageDeflate.negotiate(
                    List.of("x-foo", "permessage-deflate; server_max_window_bits=15"),
                    ON.withClientContextTakeover(false))
                .response())
        .isEqualTo("permessage-deflate; client_no_context_takeover; server_max_window_bits=15");
  }

  @Test
  void negotiationDeclinesWhatItCannotHonour() {
    for (String offer :
        List.of(
            "permessage-deflate; server_max_window_bits=10",
            "permessage-deflate; server_max_window_bits",
            "permessage-deflate; client_max_window_bits=16",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
            "permessage-deflate; server_no_context_takeover=1",
            "permessage-deflate; mystery",
            "deflate-frame",
            "")) {
      assertThat(PerMessageDeflate.negotiate(List.of(offer), ON)).as(offer).isNull();
    }
    assertThat(
            PerMessageDeflate.negotiate(
                List.of("permessage-deflate"), WebSocketCompression.disabled()))
        .isNull();
    assertThat(PerMessageDeflate.negotiate(List.of(), ON)).isNull();
  }

  @Test
  void compressedMessagesRoundTripWithAndWithoutContextTakeover() throws Exception {
    for (boolean takeover : new boolean[] {true, false}) {
      PerMessageDeflate.Agreement agreement =
          new PerMessageDeflate.Agreement(takeover, takeover, "permessage-deflate");
      try (PerMessageDeflate.Compressor compressor =
              new PerMessageDeflate.Compressor(ON, agreement);
          PerMessageDeflate.Decompressor decompressor =
              new PerMessageDeflate.Decompressor(agreement, 1 << 16)) {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
          byte[] message = new byte[random.nextInt(5000)];
          for (int j = 0; j < message.length; j++) {
            message[j] = (byte) ('a' + random.nextInt(4));
          }
          byte[] compressed = compressor.compress(ByteBuffer.wrap(message));
          // the receiver gets it split in frames at arbitrary points
          int cut = compressed.length == 0 ? 0 : random.nextInt(compressed.length);
          ByteBuffer first = decompressor.decompress(ByteBuffer.wrap(compressed, 0, cut), false);
          ByteBuffer rest =
              decompressor.decompress(
                  ByteBuffer.wrap(compressed, cut, compressed.length - cut), true);
          ByteArrayOutputStream whole = new ByteArrayOutputStream();
          whole.write(first.array(), first.position(), first.remaining());
          whole.write(rest.array(), rest.position(), rest.remaining());
          assertThat(whole.toByteArray())
              .as("message %d, takeover %s", i, takeover)
              .isEqualTo(message);
        }
      }
    }
  }

  @Test
  void messageInflatingToTheLimitPassesAndOneByteMoreIsTooBig() throws Exception {
    PerMessageDeflate.Agreement agreement =
        new PerMessageDeflate.Agreement(true, true, "permessage-deflate");
    byte[] text = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
    try (PerMessageDeflate.Compressor compressor = new PerMessageDeflate.Compressor(ON, agreement);
        PerMessageDeflate.Decompressor decompressor =
            new PerMessageDeflate.Decompressor(agreement, 1000)) {
      assertThat(
              decompressor
                  .decompress(ByteBuffer.wrap(compressor.compress(ByteBuffer.wrap(text))), true)
                  .remaining())
          .isEqualTo(1000);
      byte[] over = compressor.compress(ByteBuffer.wrap(Arrays.copyOf(text, 1001)));
      assertThatThrownBy(() -> decompressor.decompress(ByteBuffer.wrap(over), true))
          .isInstanceOfSatisfying(
              PerMessageDeflate.DeflateException.class,
              e -> assertThat(e.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG));
    }
  }

  @Test
  void aBombStopsAtTheLimitWithoutAllocatingAnythingLikeItsSize() throws Exception {
    byte[] bomb = zerosDeflated(100 << 20);
    assertThat(bomb.length).isLessThan(128 * 1024);
    PerMessageDeflate.Agreement agreement =
        new PerMessageDeflate.Agreement(true, true, "permessage-deflate");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    try (PerMessageDeflate.Decompressor decompressor =
        new PerMessageDeflate.Decompressor(agreement, 64 * 1024)) {
      assertThatThrownBy(() -> decompressor.decompress(ByteBuffer.wrap(bomb), true))
          .isInstanceOfSatisfying(
              PerMessageDeflate.DeflateException.class,
              e -> assertThat(e.closeCode()).isEqualTo(CloseCodes.MESSAGE_TOO_BIG));
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated inflating a 100 MiB bomb").isLessThan(4L << 20);
  }

  @Test
  void dataThatIsNotDeflateIsInvalidPayload() {
    PerMessageDeflate.Agreement agreement =
        new PerMessageDeflate.Agreement(true, true, "permessage-deflate");
    try (PerMessageDeflate.Decompressor decompressor =
        new PerMessageDeflate.Decompressor(agreement, 1 << 16)) {
      assertThatThrownBy(
              () -> decompressor.decompress(ByteBuffer.wrap(new byte[] {(byte) 0xff, 1, 2}), true))
          .isInstanceOfSatisfying(
              PerMessageDeflate.DeflateException.class,
              e -> assertThat(e.closeCode()).isEqualTo(CloseCodes.INVALID_PAYLOAD));
    }
  }

  @Test
  void configurationIsValidatedWithTheBadValueNamed() {
    assertThatThrownBy(() -> ON.withLevel(0))
        .hasMessageContaining("level")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> ON.withLevel(10)).hasMessageContaining("10");
    assertThatThrownBy(() -> ON.withMinMessageBytes(-1))
        .hasMessageContaining("minMessageBytes")
        .hasMessageContaining("-1");
    assertThat(WebSocketCompression.disabled().enabled()).isFalse();
    assertThat(ON)
        .isEqualTo(new WebSocketCompression(true, 256, 6, true, true))
        .isEqualTo(WebSocketCompression.disabled().withEnabled(true));
  }

  static byte[] zerosDeflated(int length) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] zeros = new byte[1 << 20];
      byte[] chunk = new byte[64 * 1024];
      for (int fed = 0; fed < length; fed += zeros.length) {
        deflater.setInput(zeros, 0, Math.min(zeros.length, length - fed));
        while (!deflater.needsInput()) {
          out.write(chunk, 0, deflater.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH));
        }
      }
      int produced;
      do {
        produced = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
        out.write(chunk, 0, produced);
      } while (produced == chunk.length);
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }
}
