package dev.parley.chat.server;

import dev.parley.chat.server.internal.ServerSettings;

/**
 * Lets the engine tests in {@code .internal} take a builder's snapshot without building a server.
 */
public final class SettingsSnapshots {
  private SettingsSnapshots() {}

  /** What {@code builder.build()} would hand to the server, validated the same way. */
  public static ServerSettings of(ChatServerBuilder builder) {
    return builder.settings();
  }
}
