package dev.parley.chat.benchmarks.load;

import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.spi.WebSocketCompression;

/** The WebSocket compression a benchmark server kind asks for. Stateless. */
final class CompressionSettings {
  private CompressionSettings() {}

  /**
   * Configures {@code builder} for {@code flag}: {@code null} (off, the default), {@link
   * BenchServerMain#DEFLATE} ({@code permessage-deflate} with its defaults, messages from {@value
   * WebSocketCompression#DEFAULT_MIN_MESSAGE_BYTES} bytes) or {@link BenchServerMain#DEFLATE_ALL}
   * (every message, whatever its size).
   */
  static void apply(ChatServerBuilder builder, String flag) {
    if (flag == null) {
      return;
    }
    WebSocketCompression deflate = WebSocketCompression.permessageDeflate();
    builder.compression(
        flag.equals(BenchServerMain.DEFLATE_ALL) ? deflate.withMinMessageBytes(0) : deflate);
  }
}
