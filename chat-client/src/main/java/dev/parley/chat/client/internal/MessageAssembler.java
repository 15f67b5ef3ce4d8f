package dev.parley.chat.client.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Joins the parts of one WebSocket message, as the JDK delivers them, into one buffer, refusing a
 * message larger than a limit. Copies every part: the JDK may reuse its buffers once the listener
 * returns. Not thread-safe: the JDK calls a listener one message part at a time.
 */
final class MessageAssembler {
  private static final int INITIAL_CAPACITY = 1024;

  /** A buffer grown past this is let go after its message, so one big page is not kept forever. */
  private static final int RETAINED_CAPACITY = 64 * 1024;

  private final int maxBytes;
  private byte[] buffer = new byte[INITIAL_CAPACITY];
  private int size;

  MessageAssembler(int maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Adds the next part. Returns false, and forgets the message, if it would grow past the limit.
   */
  boolean append(ByteBuffer part) {
    int length = part.remaining();
    if (length > maxBytes - size) {
      reset();
      return false;
    }
    if (size + length > buffer.length) {
      long grown = Math.max((long) buffer.length * 2, (long) size + length);
      buffer = Arrays.copyOf(buffer, (int) Math.min(grown, maxBytes));
    }
    part.get(buffer, size, length);
    size += length;
    return true;
  }

  /** The bytes of the message so far, which is now complete; the assembler starts afresh. */
  ByteBuffer take() {
    ByteBuffer message = ByteBuffer.wrap(Arrays.copyOf(buffer, size));
    reset();
    return message;
  }

  /** Bytes held for the message in progress. */
  int size() {
    return size;
  }

  private void reset() {
    size = 0;
    if (buffer.length > RETAINED_CAPACITY) {
      buffer = new byte[INITIAL_CAPACITY];
    }
  }
}
