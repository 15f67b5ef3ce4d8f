package dev.parley.chat.client;

import dev.parley.chat.client.internal.ClientConfig;

/** Lets the tests in {@code .internal} take a builder's snapshot without building a client. */
public final class ClientConfigs {
  private ClientConfigs() {}

  /** What {@code builder.build()} would hand to the client, validated the same way. */
  public static ClientConfig of(ChatClientBuilder builder) {
    return builder.config();
  }
}
