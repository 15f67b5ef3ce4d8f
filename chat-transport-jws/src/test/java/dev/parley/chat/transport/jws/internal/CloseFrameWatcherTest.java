package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * {@link CloseFrameWatcher} on hand-made client frames, split every way a socket may split them.
 */
class CloseFrameWatcherTest {

  @Test
  void closeFrameAfterDataFramesIsSeenWhateverTheSplit() {
    byte[] stream =
        concat(
            frame(0x2, true, 5),
            frame(0x1, true, 200),
            frame(0x2, true, 70_000),
            frame(0x9, true, 3),
            frame(0x8, true, 2));
    for (int chunk : new int[] {1, 2, 3, 7, 13, 126, 4096, stream.length}) {
      CloseFrameWatcher watcher = new CloseFrameWatcher();
      boolean seen = false;
      for (int at = 0; at < stream.length; at += chunk) {
        int length = Math.min(chunk, stream.length - at);
        assertThat(seen).as("chunk %d: nothing after the close frame", chunk).isFalse();
        ByteBuffer input = ByteBuffer.wrap(stream, at, length);
        seen = watcher.closeArrivedIn(input);
        assertThat(input.hasRemaining()).isFalse();
      }
      assertThat(seen).as("chunk %d", chunk).isTrue();
      assertThat(watcher.isLost()).isFalse();
    }
  }

  @Test
  void closeFrameIsSeenOnlyOnceItsPayloadArrived() {
    byte[] close = frame(0x8, true, 20);
    CloseFrameWatcher watcher = new CloseFrameWatcher();
    assertThat(watcher.closeArrivedIn(ByteBuffer.wrap(close, 0, close.length - 1))).isFalse();
    assertThat(watcher.closeArrivedIn(ByteBuffer.wrap(close, close.length - 1, 1))).isTrue();
  }

  @Test
  void dataFramesAloneNeverLookLikeAClose() {
    CloseFrameWatcher watcher = new CloseFrameWatcher();
    byte[] data = concat(frame(0x2, false, 300), frame(0x0, true, 300), frame(0xA, true, 0));
    assertThat(watcher.closeArrivedIn(ByteBuffer.wrap(data))).isFalse();
    assertThat(watcher.isLost()).isFalse();
  }

  @Test
  void bytesThatAreNotClientFramesMakeItGiveUp() {
    byte[] unmasked = {(byte) 0x88, 0x02, 0x03, (byte) 0xe8};
    byte[] reservedBits = {(byte) 0xC2, (byte) 0x80, 0, 0, 0, 0};
    byte[] unknownOpcode = {(byte) 0x83, (byte) 0x80, 0, 0, 0, 0};
    byte[] longControl = {(byte) 0x88, (byte) 0xFE, 0, (byte) 200};
    byte[] fragmentedControl = {(byte) 0x08, (byte) 0x82};
    for (byte[] bad :
        new byte[][] {unmasked, reservedBits, unknownOpcode, longControl, fragmentedControl}) {
      CloseFrameWatcher watcher = new CloseFrameWatcher();
      byte[] then = concat(bad, frame(0x8, true, 2));
      assertThat(watcher.closeArrivedIn(ByteBuffer.wrap(then))).isFalse();
      assertThat(watcher.isLost()).isTrue();
      assertThat(watcher.closeArrivedIn(ByteBuffer.wrap(frame(0x8, true, 2)))).isFalse();
    }
  }

  /** A masked client frame with {@code length} payload bytes (the mask is all zero). */
  private static byte[] frame(int opcode, boolean fin, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      out.write(0x80 | length);
    } else if (length <= 0xFFFF) {
      out.write(0x80 | 126);
      out.write(length >>> 8);
      out.write(length & 0xFF);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) length >>> shift) & 0xFF);
      }
    }
    out.writeBytes(new byte[4]);
    out.writeBytes(new byte[length]);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
