package dev.parley.chat.api;

/**
 * A user, as established by the server's authenticator: 1 to {@value #MAX_LENGTH} characters of
 * ASCII letters, digits, {@code .}, {@code _}, {@code -} and {@code @}. A user may have several
 * sessions open at once (several devices); they all act as the same member of a room.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the identifier text
 */
public record UserId(String value) implements Comparable<UserId> {
  /** Longest accepted user id. */
  public static final int MAX_LENGTH = 64;

  /** Validates the identifier; see the type's description for the rules. */
  public UserId {
    Identifiers.require("user id", value, MAX_LENGTH, "._-@");
  }

  /** Same as {@code new UserId(value)}. */
  public static UserId of(String value) {
    return new UserId(value);
  }

  @Override
  public int compareTo(UserId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
