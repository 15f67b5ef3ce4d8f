package dev.parley.chat.server.internal;

import com.sun.net.httpserver.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content coding of the HTTP side's answers: picks a coding from the request's {@code
 * Accept-Encoding} (q-values, {@code identity}, {@code *}) and compresses a body with it. Stateless
 * and thread-safe; everything runs on the caller's thread.
 *
 * <p>The codings are gzip ({@code java.util.zip}) and Brotli ({@code br}), the latter only when
 * Brotli4j ({@code com.aayushatharva.brotli4j:brotli4j}) and its native library for the platform
 * are on the class path; on ties the server prefers {@code br}, then {@code gzip}, then {@code
 * identity}. Only bodies of at least {@value #MIN_BYTES} bytes and of a compressible type ({@link
 * #compressible(String)}) are compressed; such answers carry {@code Vary: Accept-Encoding} whatever
 * coding was chosen. An answer that already has a {@code Content-Encoding} (set by the application)
 * is left as it is. A header that cannot be parsed, in part or whole, never fails the request: the
 * unreadable entries are ignored.
 *
 * <p>For a streaming answer (such as server-sent events), {@link #negotiateStreaming} sets the
 * headers and {@link #streamingBody} wraps the body in gzip with sync flush, so that every {@code
 * flush()} puts a complete, decodable block on the wire.
 */
final class HttpCompression {
  private static final Logger log = LoggerFactory.getLogger(HttpCompression.class);

  /** Bodies shorter than this go out as they are: a gzip header and trailer alone are 18 bytes. */
  static final int MIN_BYTES = 1024;

  /** Longest {@code Accept-Encoding} value read; the rest is ignored (browsers send ~30 bytes). */
  static final int MAX_HEADER_CHARS = 4096;

  private static final Pattern QVALUE = Pattern.compile("0(\\.\\d{0,3})?|1(\\.0{0,3})?");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Media types that compress well, besides {@code text/*} and {@code +json}/{@code +xml}. */
  private static final Set<String> COMPRESSIBLE =
      Set.of(
          "application/json",
          "application/javascript",
          "application/ecmascript",
          "application/x-javascript",
          "application/xml",
          "application/wasm",
          "application/x-ndjson",
          "image/svg+xml",
          "image/x-icon",
          "image/vnd.microsoft.icon",
          "image/bmp",
          "font/ttf",
          "font/otf");

  /** A content coding the HTTP side can send. */
  enum Coding {
    BROTLI("br"),
    GZIP("gzip"),
    IDENTITY("identity");

    private final String token;

    Coding(String token) {
      this.token = token;
    }

    /** The coding's name in {@code Content-Encoding} and {@code Accept-Encoding}. */
    String token() {
      return token;
    }
  }

  private HttpCompression() {}

  /** Whether Brotli is on offer: Brotli4j and its native library loaded. */
  static boolean brotliAvailable() {
    return BrotliHolder.AVAILABLE;
  }

  /**
   * The coding to use for a client that sent {@code acceptEncoding} (all its values; empty when it
   * sent none), out of {@code offered} (in the server's order of preference).
   */
  static Coding choose(List<String> acceptEncoding, List<Coding> offered) {
    if (acceptEncoding == null || acceptEncoding.isEmpty()) {
      return Coding.IDENTITY; // nothing asked for: what every client reads
    }
    String value = String.join(",", acceptEncoding);
    if (value.length() > MAX_HEADER_CHARS) {
      value = value.substring(0, MAX_HEADER_CHARS);
    }
    double star = -1; // not named
    double[] named = new double[Coding.values().length];
    java.util.Arrays.fill(named, -1);
    for (String entry : value.split(",", -1)) {
      String[] parts = entry.split(";", -1);
      String name = parts[0].trim().toLowerCase(Locale.ROOT);
      if (name.isEmpty() || !TOKEN.matcher(name).matches()) {
        continue;
      }
      double q = 1;
      boolean readable = true;
      for (int i = 1; i < parts.length; i++) {
        String parameter = parts[i].trim();
        int eq = parameter.indexOf('=');
        if (eq < 0) {
          readable = false;
          break;
        }
        if (parameter.substring(0, eq).trim().equalsIgnoreCase("q")) {
          String number = parameter.substring(eq + 1).trim();
          if (!QVALUE.matcher(number).matches()) {
            readable = false;
            break;
          }
          q = Double.parseDouble(number);
        }
      }
      if (!readable) {
        continue;
      }
      if (name.equals("*")) {
        star = Math.max(star, q);
        continue;
      }
      Coding coding = byToken(name);
      if (coding != null) {
        named[coding.ordinal()] = Math.max(named[coding.ordinal()], q);
      }
    }
    Coding best = null;
    double bestQ = 0;
    for (Coding coding : offered) {
      double q = named[coding.ordinal()];
      if (q < 0) {
        // not named: "*" speaks for it; identity is otherwise acceptable, but only as a last resort
        q = star >= 0 ? star : (coding == Coding.IDENTITY ? Double.MIN_VALUE : 0);
      }
      if (q > bestQ) {
        best = coding;
        bestQ = q;
      }
    }
    // nothing acceptable, not even identity: a readable answer beats a 406 for a page
    return best == null ? Coding.IDENTITY : best;
  }

  private static Coding byToken(String name) {
    switch (name) {
      case "gzip":
      case "x-gzip":
        return Coding.GZIP;
      case "br":
        return Coding.BROTLI;
      case "identity":
        return Coding.IDENTITY;
      default:
        return null;
    }
  }

  /** The codings this server offers, in its order of preference. */
  static List<Coding> offered() {
    return brotliAvailable()
        ? List.of(Coding.BROTLI, Coding.GZIP, Coding.IDENTITY)
        : List.of(Coding.GZIP, Coding.IDENTITY);
  }

  /**
   * Whether a body of {@code contentType} is worth compressing: {@code text/*}, JSON, JavaScript,
   * XML, SVG and a few others; not images, audio, video, archives or fonts that are already
   * compressed.
   */
  static boolean compressible(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    return type.startsWith("text/")
        || COMPRESSIBLE.contains(type)
        || (type.startsWith("application/") && (type.endsWith("+json") || type.endsWith("+xml")));
  }

  /**
   * Codes one complete answer for its request: sets {@code Vary} and {@code Content-Encoding} in
   * {@code response} as needed and returns the body to send (the same array when it goes out as it
   * is). {@code HEAD} goes through the same steps (its body is compressed, then not sent), so that
   * its headers are exactly those of {@code GET}. Call before {@code sendResponseHeaders}.
   */
  static byte[] encode(
      Headers request, Headers response, int status, String contentType, byte[] body) {
    if (response.containsKey("Content-Encoding")
        || status == 206
        || status == 204
        || status == 304
        || body.length < MIN_BYTES
        || !compressible(contentType)) {
      return body;
    }
    addVary(response);
    Coding coding = choose(request.get("Accept-Encoding"), offered());
    if (coding == Coding.IDENTITY) {
      return body;
    }
    byte[] coded;
    try {
      coded = compress(body, coding);
    } catch (IOException | RuntimeException e) {
      log.warn("cannot {}-compress a {} byte answer; sending it as it is", coding, body.length, e);
      return body;
    }
    if (coded.length >= body.length) {
      return body; // no gain: the client reads it either way
    }
    response.set("Content-Encoding", coding.token());
    return coded;
  }

  /** {@code body} in {@code coding}. */
  static byte[] compress(byte[] body, Coding coding) throws IOException {
    switch (coding) {
      case GZIP:
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 3 + 32);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 8192)) {
          gzip.write(body);
        }
        return bytes.toByteArray();
      case BROTLI:
        if (!brotliAvailable()) {
          throw new IllegalStateException("Brotli4j is not on the class path");
        }
        return BrotliHolder.compress(body);
      default:
        return body;
    }
  }

  /**
   * For a streaming answer: sets {@code Vary: Accept-Encoding} and, when the client takes gzip,
   * {@code Content-Encoding: gzip}, and returns the coding to pass to {@link #streamingBody}
   * ({@link Coding#GZIP} or {@link Coding#IDENTITY}). Call before {@code sendResponseHeaders}; an
   * answer whose {@code Content-Encoding} is already set is left alone ({@code IDENTITY}).
   */
  static Coding negotiateStreaming(Headers request, Headers response) {
    if (response.containsKey("Content-Encoding")) {
      return Coding.IDENTITY;
    }
    addVary(response);
    Coding coding = choose(request.get("Accept-Encoding"), List.of(Coding.GZIP, Coding.IDENTITY));
    if (coding == Coding.GZIP) {
      response.set("Content-Encoding", Coding.GZIP.token());
    }
    return coding;
  }

  /**
   * {@code out} in {@code coding}: for {@link Coding#GZIP} a {@link GZIPOutputStream} with sync
   * flush, so that each {@code flush()} sends everything written so far as a decodable block;
   * otherwise {@code out} itself. Closing the result finishes the gzip stream and closes {@code
   * out}.
   */
  static OutputStream streamingBody(OutputStream out, Coding coding) {
    if (coding == Coding.IDENTITY) {
      return out;
    }
    if (coding != Coding.GZIP) {
      throw new IllegalArgumentException("streaming answers are gzip or identity, not " + coding);
    }
    try {
      return new GZIPOutputStream(out, 512, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the gzip stream", e);
    }
  }

  /** Adds {@code Accept-Encoding} to the answer's {@code Vary}, keeping what is there. */
  static void addVary(Headers response) {
    List<String> vary = response.get("Vary");
    if (vary == null || vary.isEmpty()) {
      response.set("Vary", "Accept-Encoding");
      return;
    }
    for (String value : vary) {
      for (String name : value.split(",")) {
        String trimmed = name.trim();
        if (trimmed.equals("*") || trimmed.equalsIgnoreCase("Accept-Encoding")) {
          return;
        }
      }
    }
    response.set("Vary", String.join(", ", vary) + ", Accept-Encoding");
  }

  /** Brotli4j, loaded only when this class is first used and the library is there. */
  private static final class BrotliHolder {
    static final boolean AVAILABLE = load();

    private static boolean load() {
      try {
        Class.forName(
            "com.aayushatharva.brotli4j.Brotli4jLoader",
            false,
            HttpCompression.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        log.debug("Brotli4j is not on the class path; the HTTP side offers gzip only");
        return false;
      }
      return BrotliCodec.load();
    }

    static byte[] compress(byte[] body) throws IOException {
      return BrotliCodec.compress(body);
    }
  }
}
