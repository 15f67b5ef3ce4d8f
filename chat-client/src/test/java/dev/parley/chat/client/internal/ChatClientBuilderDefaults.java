package dev.parley.chat.client.internal;

import dev.parley.chat.client.ChatClientBuilder;
import java.time.Duration;

/** Bounds derived from the builder's documented defaults. */
final class ChatClientBuilderDefaults {
  private ChatClientBuilderDefaults() {}

  /** The first reconnect waits at most the initial backoff (full jitter: 0 to initial). */
  static final Duration MAX_FIRST_RECONNECT = ChatClientBuilder.DEFAULT_INITIAL_BACKOFF;
}
