package dev.parley.chat.api;

/**
 * A room: 1 to {@value #MAX_LENGTH} characters of ASCII letters, digits, {@code .}, {@code _},
 * {@code -}, {@code @} and {@code :}. Ids that start with {@value #DIRECT_PREFIX} name direct
 * conversations between exactly two users; build them with {@link #direct(UserId, UserId)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the identifier text
 */
public record RoomId(String value) implements Comparable<RoomId> {
  /** Longest accepted room id. */
  public static final int MAX_LENGTH = 128;

  /** Prefix of every direct-conversation room. */
  public static final String DIRECT_PREFIX = "dm:";

  /** Validates the identifier; see the type's description for the rules. */
  public RoomId {
    Identifiers.require("room id", value, MAX_LENGTH, "._-@:");
  }

  /** Same as {@code new RoomId(value)}. */
  public static RoomId of(String value) {
    return new RoomId(value);
  }

  /**
   * The direct-conversation room of two users. The id does not depend on the order of the
   * arguments: {@code direct(a, b).equals(direct(b, a))}.
   *
   * @throws IllegalArgumentException if both users are the same
   */
  public static RoomId direct(UserId a, UserId b) {
    int order = a.compareTo(b);
    if (order == 0) {
      throw new IllegalArgumentException("a direct room needs two different users, got " + a);
    }
    UserId first = order < 0 ? a : b;
    UserId second = order < 0 ? b : a;
    return new RoomId(DIRECT_PREFIX + first.value() + ":" + second.value());
  }

  /** Whether this id names a direct conversation. */
  public boolean isDirect() {
    return value.startsWith(DIRECT_PREFIX);
  }

  /**
   * Whether {@code user} is one of the two members of this direct room. Always false for a room
   * that is not direct, and for a malformed direct id.
   */
  public boolean isDirectMember(UserId user) {
    if (!isDirect()) {
      return false;
    }
    String rest = value.substring(DIRECT_PREFIX.length());
    int colon = rest.indexOf(':');
    if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0) {
      return false;
    }
    String first = rest.substring(0, colon);
    String second = rest.substring(colon + 1);
    if (first.compareTo(second) >= 0) {
      return false;
    }
    return user.value().equals(first) || user.value().equals(second);
  }

  @Override
  public int compareTo(RoomId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
