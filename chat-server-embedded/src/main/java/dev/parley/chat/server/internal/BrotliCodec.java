package dev.parley.chat.server.internal;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brotli through Brotli4j, an optional dependency: only {@link HttpCompression} touches this class,
 * and only after it found Brotli4j on the class path. Thread-safe (the encoder keeps no state
 * between calls).
 */
final class BrotliCodec {
  private static final Logger log = LoggerFactory.getLogger(BrotliCodec.class);

  /**
   * Quality 5 of 11: most of Brotli's gain over gzip at about gzip's cost, for answers made live.
   */
  static final int QUALITY = 5;

  private static final Encoder.Parameters PARAMETERS = new Encoder.Parameters().setQuality(QUALITY);

  private BrotliCodec() {}

  /** Whether Brotli4j's native library loads on this platform. */
  static boolean load() {
    try {
      if (Brotli4jLoader.isAvailable()) {
        log.debug("Brotli4j loaded; the HTTP side offers br and gzip");
        return true;
      }
      log.info(
          "Brotli4j is on the class path but its native library did not load ({}); the HTTP side"
              + " offers gzip only",
          String.valueOf(Brotli4jLoader.getUnavailabilityCause()));
    } catch (LinkageError e) {
      log.info("Brotli4j cannot be loaded ({}); the HTTP side offers gzip only", e.toString());
    }
    return false;
  }

  static byte[] compress(byte[] body) throws IOException {
    return Encoder.compress(body, PARAMETERS);
  }
}
