package dev.parley.chat.server.internal;

/** UTF-8 sizes without encoding. Stateless. */
final class Utf8 {
  private Utf8() {}

  /** Bytes {@code text} takes in UTF-8 (an unpaired surrogate counts as the 3-byte U+FFFD). */
  static int length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * The index of the first unpaired surrogate in {@code text}, or -1 when it is valid Unicode. Such
   * text cannot be stored as UTF-8 and read back unchanged, so the server refuses it.
   */
  static int firstUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
