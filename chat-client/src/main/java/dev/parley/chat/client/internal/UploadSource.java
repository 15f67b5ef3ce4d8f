package dev.parley.chat.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where an upload's bytes come from, read chunk by chunk. A resumed upload reads again from the
 * offset the server reports, so a source must be able to go back to any offset not yet confirmed: a
 * file reads anywhere; a stream keeps its last chunk until the server has confirmed the next offset
 * past it.
 *
 * <p>Not thread-safe: one upload reads it, on one thread at a time.
 */
abstract class UploadSource implements AutoCloseable {
  /**
   * Up to {@code max} bytes from {@code offset}; fewer only at the end of the content.
   *
   * @throws IOException if the bytes cannot be read, the content ends before its declared length,
   *     or {@code offset} lies before what a stream can still give
   */
  abstract byte[] read(long offset, int max) throws IOException;

  @Override
  public abstract void close();

  /** A file, read with positional reads. */
  static UploadSource of(Path file) throws IOException {
    return new FileSource(FileChannel.open(file, StandardOpenOption.READ));
  }

  /** A stream, read once; the last chunk is kept for a resume. */
  static UploadSource of(InputStream in) {
    return new StreamSource(in);
  }

  private static final class FileSource extends UploadSource {
    private final FileChannel channel;

    FileSource(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    byte[] read(long offset, int max) throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate(max);
      long position = offset;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          break;
        }
        position += n;
      }
      return buffer.position() == max
          ? buffer.array()
          : Arrays.copyOf(buffer.array(), buffer.position());
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing was written; nothing to lose
      }
    }
  }

  private static final class StreamSource extends UploadSource {
    private final InputStream in;
    private byte[] kept = new byte[0]; // the bytes from keptOffset on, read from the stream
    private long keptOffset;

    StreamSource(InputStream in) {
      this.in = in;
    }

    @Override
    byte[] read(long offset, int max) throws IOException {
      if (offset < keptOffset) {
        throw new IOException(
            "cannot go back to byte "
                + offset
                + " of a stream: the server confirmed "
                + keptOffset
                + " before");
      }
      long keptEnd = keptOffset + kept.length;
      if (offset > keptEnd) {
        throw new IOException(
            "the server reports byte "
                + offset
                + " of a stream of which "
                + keptEnd
                + " were read");
      }
      int from = (int) (offset - keptOffset);
      byte[] chunk = new byte[max];
      int have = Math.min(max, kept.length - from);
      System.arraycopy(kept, from, chunk, 0, have);
      int n = have < max ? in.readNBytes(chunk, have, max - have) : 0;
      int length = have + n;
      byte[] result = length == max ? chunk : Arrays.copyOf(chunk, length);
      kept = result;
      keptOffset = offset;
      return result;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // the application's stream; nothing more to do
      }
    }
  }
}
