package dev.parley.chat.server.it;

import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * A real server with attachments on, a file-system blob store and staging directory under {@code
 * dir}, a clock that moves only when told, and a tus client for it; plus the files the tests
 * upload.
 */
final class UploadFixture implements AutoCloseable {
  final SteppedClock clock = new SteppedClock();
  final Path staging;
  final BlobStore blobs;
  final ChatServer server;
  final TusWire tus;

  UploadFixture(Path dir, UnaryOperator<AttachmentOptions.Builder> options) throws IOException {
    this(dir, FileSystemBlobStore.open(dir.resolve("blobs")), options);
  }

  UploadFixture(Path dir, BlobStore blobs, UnaryOperator<AttachmentOptions.Builder> options)
      throws IOException {
    this.staging = dir.resolve("staging");
    this.blobs = blobs;
    this.server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .clock(clock)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .attachments(
                options.apply(AttachmentOptions.builder(blobs).stagingDirectory(staging)).build())
            .build()
            .start();
    this.tus = new TusWire(server.httpUri().orElseThrow());
  }

  /** The files in the staging directory now. */
  List<Path> staged() throws IOException {
    try (Stream<Path> files = Files.list(staging)) {
      return files.toList();
    }
  }

  /** Every blob in the store now. */
  List<BlobInfo> stored() throws IOException {
    List<BlobInfo> all = new ArrayList<>();
    blobs.forEach(all::add);
    return all;
  }

  @Override
  public void close() throws IOException {
    server.close();
    blobs.close();
  }

  /** A PNG of seeded noise, {@code width} × {@code height}. */
  static byte[] png(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return encode(image, "png");
  }

  /** A JPEG of a gradient, {@code width} × {@code height}. */
  static byte[] jpeg(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8);
      }
    }
    return encode(image, "jpeg");
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A PNG whose header declares {@code width} × {@code height} pixels but whose data is {@code
   * idat} (a few bytes): what a decompression bomb or a broken image looks like from the outside.
   */
  static byte[] pngDeclaring(int width, int height, byte[] idat) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13);
    header.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0);
    header.put((byte) 0);
    chunk(out, "IHDR", header.array());
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(name);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A clock that moves only when told to. */
  static final class SteppedClock extends Clock {
    private volatile Instant now = Instant.parse("2026-06-01T00:00:00Z");

    void advance(Duration step) {
      now = now.plus(step);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
