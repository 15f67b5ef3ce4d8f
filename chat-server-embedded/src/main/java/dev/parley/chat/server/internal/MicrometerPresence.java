package dev.parley.chat.server.internal;

/** Whether Micrometer is on the server's class path. Looked up once, without initialising it. */
final class MicrometerPresence {
  static final boolean AVAILABLE = present();

  private MicrometerPresence() {}

  private static boolean present() {
    try {
      Class.forName(
          "io.micrometer.core.instrument.MeterRegistry",
          false,
          MicrometerPresence.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
