package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever bytes an uploader sends, with whatever declared type, inspecting them never throws
 * anything but {@link ContentInspector.Refused}, never decodes an image over the pixel limit, and
 * what it accepts is consistent: a measured image has a thumbnail at most 320 pixels on its longest
 * side, anything else has none.
 */
class ContentInspectorFuzzTest {
  private static final long MAX_PIXELS = 4_000_000;
  private static final String[] DECLARED = {
    null,
    "",
    "image/png",
    "image/jpeg",
    "image/gif",
    "text/plain",
    "application/octet-stream",
    "application/pdf",
    "not a type",
    "image/png; charset=x",
    "IMAGE/PNG"
  };

  private final ContentInspector inspector = new ContentInspector(MAX_PIXELS);

  @FuzzTest(maxDuration = "20s")
  void anyBytesAreRefusedOrInspectedConsistently(FuzzedDataProvider data) throws IOException {
    String declared = DECLARED[data.consumeInt(0, DECLARED.length - 1)];
    boolean asPng = data.consumeBoolean();
    byte[] rest = data.consumeRemainingAsBytes();
    // half the inputs start as a PNG, so the image reader is reached often
    byte[] bytes = asPng ? concat(PNG_SIGNATURE, rest) : rest;
    check(bytes, declared);
  }

  @ParameterizedTest
  @ValueSource(strings = {"png", "jpeg", "gif", "bmp"})
  void realImagesAreMeasuredAndThumbnailed(String format) throws IOException {
    BufferedImage image = new BufferedImage(900, 300, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);

    ContentInspector.Inspection inspection = check(out.toByteArray(), null);

    assertThat(inspection.contentType()).isEqualTo("image/" + format);
    assertThat(inspection.width()).isEqualTo(900);
    assertThat(inspection.height()).isEqualTo(300);
    assertThat(ImageIO.read(new ByteArrayInputStream(inspection.thumbnail())).getWidth())
        .isEqualTo(320);
  }

  @Test
  void anImageOverThePixelLimitIsRefusedFromItsHeader() {
    byte[] bomb = png(100_000, 100_000, new byte[] {0x78, 0x01});
    assertThatThrownBy(() -> inspector.inspect(content(bomb), "image/png"))
        .isInstanceOf(ContentInspector.Refused.class)
        .hasMessageContaining("100000x100000");
  }

  @Test
  void truncatedAndEmptyInputsAreHandled() throws IOException {
    byte[] real = png(10, 10, new byte[0]);
    for (int length = 0; length <= real.length; length++) {
      check(Arrays.copyOf(real, length), null);
    }
    assertThat(check(new byte[0], null).contentType()).isNotBlank();
  }

  @Test
  void declaredTypesAgreeOrAreRefused() throws IOException {
    byte[] text = "plain words\n".getBytes(StandardCharsets.UTF_8);
    assertThat(inspector.inspect(content(text), "text/plain").contentType())
        .isEqualTo("text/plain");
    assertThat(inspector.inspect(content(text), "application/octet-stream").contentType())
        .isEqualTo("text/plain");
    assertThatThrownBy(() -> inspector.inspect(content(text), "image/png"))
        .isInstanceOf(ContentInspector.Refused.class);
  }

  private ContentInspector.Inspection check(byte[] bytes, String declared) throws IOException {
    ContentInspector.Inspection inspection;
    try {
      inspection = inspector.inspect(content(bytes), declared);
    } catch (ContentInspector.Refused e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
    assertThat(inspection.contentType()).isNotBlank().doesNotContain(";");
    if (inspection.thumbnail() == null) {
      assertThat(inspection.width()).isZero();
      assertThat(inspection.height()).isZero();
      return inspection;
    }
    assertThat(ContentInspector.MEASURED_IMAGES).contains(inspection.contentType());
    assertThat((long) inspection.width() * inspection.height()).isBetween(1L, MAX_PIXELS);
    BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(inspection.thumbnail()));
    assertThat(Math.max(thumbnail.getWidth(), thumbnail.getHeight()))
        .isLessThanOrEqualTo(ContentInspector.THUMBNAIL_SIDE);
    return inspection;
  }

  private static ContentInspector.Content content(byte[] bytes) {
    return new ContentInspector.Content() {
      @Override
      public InputStream open() {
        return new ByteArrayInputStream(bytes);
      }

      @Override
      public ImageInputStream openImage() {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
      }
    };
  }

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** A PNG whose header declares {@code width} × {@code height} and whose data is {@code idat}. */
  private static byte[] png(int width, int height, byte[] idat) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PNG_SIGNATURE);
    ByteBuffer header = ByteBuffer.allocate(13);
    header.putInt(width).putInt(height).put((byte) 8).put((byte) 2);
    chunk(out, "IHDR", header.array());
    chunk(out, "IDAT", idat);
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(name);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
