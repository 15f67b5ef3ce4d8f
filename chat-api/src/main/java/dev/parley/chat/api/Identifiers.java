package dev.parley.chat.api;

/** Validation shared by the identifier records. Not API. */
final class Identifiers {
  private Identifiers() {}

  /**
   * Checks that {@code value} is 1 to {@code maxLength} characters long and every character is an
   * ASCII letter, digit or one of {@code extra}.
   */
  static String require(String kind, String value, int maxLength, String extra) {
    if (value == null) {
      throw new IllegalArgumentException(kind + " must not be null");
    }
    if (value.isEmpty() || value.length() > maxLength) {
      throw new IllegalArgumentException(
          kind + " must be 1 to " + maxLength + " characters, was " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || extra.indexOf(c) >= 0;
      if (!ok) {
        throw new IllegalArgumentException(
            kind
                + " may contain only ASCII letters, digits and '"
                + extra
                + "', found "
                + describe(c)
                + " at index "
                + i);
      }
    }
    return value;
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }
}
