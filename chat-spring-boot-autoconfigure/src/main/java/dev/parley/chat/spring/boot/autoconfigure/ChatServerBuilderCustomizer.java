package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.server.ChatServerBuilder;

/**
 * Changes the auto-configured server's {@link ChatServerBuilder} before it is built: for settings
 * that properties cannot carry (a {@code RoomPolicy}, HTTP handlers, a worker executor, a clock).
 * Declare any number as beans; they run in {@link org.springframework.core.annotation.Order order},
 * after the {@code parley.*} properties and the application's Authenticator, MessageStore and
 * ClusterBus beans have been applied, so a customizer has the last word.
 *
 * <p>Called once, on the thread that creates the application context.
 */
@FunctionalInterface
public interface ChatServerBuilderCustomizer {
  /** Adjusts {@code builder}; do not call {@code build()}. */
  void customize(ChatServerBuilder builder);
}
