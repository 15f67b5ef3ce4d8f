package dev.parley.chat.benchmarks.load;

import dev.parley.chat.server.ChatServerBuilder;

/** The WebSocket compression a benchmark server kind asks for. Stateless. */
final class CompressionSettings {
  private CompressionSettings() {}

  /**
   * Configures {@code builder} for {@code flag}: {@code null} (off, the default), {@link
   * BenchServerMain#DEFLATE} or {@link BenchServerMain#DEFLATE_ALL}.
   */
  static void apply(ChatServerBuilder builder, String flag) {
    if (flag != null) {
      throw new IllegalArgumentException("this build has no WebSocket compression: " + flag);
    }
  }
}
