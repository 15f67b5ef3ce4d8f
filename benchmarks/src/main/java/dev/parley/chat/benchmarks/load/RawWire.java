package dev.parley.chat.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The baselines' protocol: a binary message is 8 bytes of intended send time (this JVM's {@link
 * System#nanoTime()}) followed by the text; the server sends it unchanged to the whole room. The
 * room is in the path. Stateless and thread-safe.
 */
final class RawWire implements Wire {
  private final byte[] text;

  RawWire(byte[] text) {
    this.text = text.clone();
  }

  @Override
  public String path(String room) {
    return "/room/" + room;
  }

  @Override
  public String subprotocol() {
    return null;
  }

  @Override
  public void opened(LoadConnection connection) {
    connection.markReady();
  }

  @Override
  public void received(LoadConnection connection, ByteBuf frame) {
    if (frame.readableBytes() >= Long.BYTES) {
      connection.delivered(frame.getLong(frame.readerIndex()));
    }
  }

  @Override
  public ByteBuf send(LoadConnection connection, long intendedNanos, ByteBufAllocator alloc) {
    return alloc.buffer(Long.BYTES + text.length).writeLong(intendedNanos).writeBytes(text);
  }

  @Override
  public boolean resumes() {
    return false;
  }
}
