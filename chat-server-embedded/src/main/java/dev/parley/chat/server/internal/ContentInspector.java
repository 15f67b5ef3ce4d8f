package dev.parley.chat.server.internal;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.mime.MimeTypes;

/**
 * What Parley learns from an upload's bytes before it stores them: the media type sniffed from the
 * bytes (Tika's magic, never the file name), whether it agrees with the type the client declared,
 * and for the images the JDK can read, the dimensions (from the header, before anything is decoded)
 * and a thumbnail. Refuses what it must not store with {@link Refused}. Stateless and thread-safe;
 * runs on the upload threads.
 */
final class ContentInspector {
  /** The longest side of a thumbnail, in pixels. */
  static final int THUMBNAIL_SIDE = 320;

  /** How many leading bytes the type is sniffed from. */
  static final int SNIFF_BYTES = 64 * 1024;

  /** The image types whose dimensions are read and which get a thumbnail (JDK ImageIO readers). */
  static final Set<String> MEASURED_IMAGES =
      Set.of("image/png", "image/jpeg", "image/gif", "image/bmp");

  private static final MimeTypes TYPES = MimeTypes.getDefaultMimeTypes();
  private static final MediaTypeRegistry REGISTRY = TYPES.getMediaTypeRegistry();

  private final long maxImagePixels;

  /**
   * @param maxImagePixels the largest width × height decoded; a larger image is refused
   */
  ContentInspector(long maxImagePixels) {
    this.maxImagePixels = maxImagePixels;
  }

  /** Where the bytes are: read twice at most (sniffing, then the image reader). */
  interface Content {
    /** The bytes from the start. */
    InputStream open() throws IOException;

    /** The bytes as an image stream, for the image reader. */
    ImageInputStream openImage() throws IOException;
  }

  /**
   * What the bytes are.
   *
   * @param contentType the sniffed media type, e.g. {@code image/png}
   * @param width an image's width, 0 for other files
   * @param height an image's height, 0 for other files
   * @param thumbnail the encoded thumbnail of an image, or {@code null}
   * @param thumbnailType the thumbnail's media type, or {@code null}
   */
  record Inspection(
      String contentType, int width, int height, byte[] thumbnail, String thumbnailType) {}

  /**
   * Inspects the bytes.
   *
   * @param declaredType the type the client declared ({@code filetype}), or {@code null}
   * @throws Refused if the bytes disagree with the declared type, or an image is too large or
   *     cannot be decoded
   * @throws IOException if the bytes cannot be read
   */
  Inspection inspect(Content content, String declaredType) throws IOException {
    String sniffed = sniff(content);
    checkDeclared(declaredType, sniffed);
    if (!MEASURED_IMAGES.contains(sniffed)) {
      return new Inspection(sniffed, 0, 0, null, null);
    }
    try (ImageInputStream image = content.openImage()) {
      return measure(image, sniffed);
    }
  }

  /** The media type of the bytes, from their first {@value #SNIFF_BYTES} bytes. */
  static String sniff(Content content) throws IOException {
    byte[] head;
    try (InputStream in = content.open()) {
      head = in.readNBytes(SNIFF_BYTES);
    }
    return sniff(head);
  }

  /** The media type of bytes that start with {@code head}. */
  static String sniff(byte[] head) throws IOException {
    MediaType type = TYPES.detect(new ByteArrayInputStream(head), new Metadata());
    return REGISTRY.normalize(type).getBaseType().toString();
  }

  /**
   * Refuses a declared type the bytes contradict. Agreeing: none declared, the generic {@code
   * application/octet-stream}, the same type (or an alias of it), or one type a kind of the other
   * (a {@code .docx} declared and a zip sniffed; {@code text/plain} declared and CSV sniffed). An
   * image must be declared as exactly the image it is.
   */
  static void checkDeclared(String declaredType, String sniffed) {
    if (declaredType == null || declaredType.isBlank()) {
      return;
    }
    MediaType declared = MediaType.parse(declaredType.trim().toLowerCase(Locale.ROOT));
    if (declared == null) {
      throw new Refused("the declared type \"" + clip(declaredType) + "\" is not a media type");
    }
    declared = REGISTRY.normalize(declared.getBaseType());
    MediaType actual = MediaType.parse(sniffed);
    if (declared.equals(MediaType.OCTET_STREAM) || declared.equals(actual)) {
      return;
    }
    boolean image = declared.getType().equals("image") || actual.getType().equals("image");
    if (!image
        && (REGISTRY.isSpecializationOf(declared, actual)
            || REGISTRY.isSpecializationOf(actual, declared))) {
      return;
    }
    throw new Refused("the file was declared as " + declared + " but its bytes are " + actual);
  }

  private Inspection measure(ImageInputStream image, String type) throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(image);
    if (!readers.hasNext()) {
      throw new Refused("the " + type + " image cannot be read");
    }
    ImageReader reader = readers.next();
    try {
      reader.setInput(image, true, true);
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw new Refused("the " + type + " image's header cannot be read");
      }
      if (width < 1 || height < 1) {
        throw new Refused("the " + type + " image has no pixels");
      }
      if ((long) width * height > maxImagePixels) {
        throw new Refused(
            "the image is "
                + width
                + "x"
                + height
                + " pixels, over the "
                + maxImagePixels
                + " this server decodes");
      }
      BufferedImage decoded;
      try {
        ImageReadParam param = reader.getDefaultReadParam();
        // read every n-th pixel only: a big photo is never whole in memory
        int step = Math.max(1, Math.max(width, height) / (THUMBNAIL_SIDE * 2));
        param.setSourceSubsampling(step, step, 0, 0);
        decoded = reader.read(0, param);
      } catch (IOException | RuntimeException e) {
        throw new Refused("the " + type + " image cannot be decoded");
      }
      boolean alpha = decoded.getColorModel().hasAlpha();
      String thumbnailType = alpha || !type.equals("image/jpeg") ? "image/png" : "image/jpeg";
      return new Inspection(
          type, width, height, thumbnail(decoded, alpha, thumbnailType), thumbnailType);
    } finally {
      reader.dispose();
    }
  }

  /** The image scaled so its longest side is at most {@value #THUMBNAIL_SIDE}, encoded. */
  private static byte[] thumbnail(BufferedImage source, boolean alpha, String type)
      throws IOException {
    int w = source.getWidth();
    int h = source.getHeight();
    double scale = Math.min(1.0, (double) THUMBNAIL_SIDE / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    BufferedImage scaled =
        new BufferedImage(tw, th, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(source, 0, 0, tw, th, null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(scaled, type.equals("image/png") ? "png" : "jpeg", out)) {
      throw new IOException("no ImageIO writer for " + type);
    }
    return out.toByteArray();
  }

  private static String clip(String value) {
    return value.length() > 100 ? value.substring(0, 100) + "…" : value;
  }

  /** Bytes Parley will not store, with the reason for the uploader. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
