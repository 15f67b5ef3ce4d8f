package dev.parley.chat.spi;

import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link RoomAccessStore} keeps about one user in one created room: the room's visibility,
 * the user's role if they are a member (an invitation makes them one), and a ban or mute with the
 * instant it ends. Restrictions that have ended may still be reported; whoever reads them compares
 * with the time ({@link #bannedAt}, {@link #mutedAt}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param visibility the room's visibility
 * @param role the user's role, or {@code null} if they are not a member
 * @param bannedUntil when the user's ban ends, or {@code null} if there is none
 * @param banReason why the user was banned ({@code ""} when no reason was given or no ban)
 * @param mutedUntil when the user's mute ends, or {@code null} if there is none
 */
public record MemberAccess(
    RoomVisibility visibility,
    RoomRole role,
    Instant bannedUntil,
    String banReason,
    Instant mutedUntil) {
  /** Checks that the visibility is set; a missing reason becomes {@code ""}. */
  public MemberAccess {
    Objects.requireNonNull(visibility, "visibility");
    banReason = banReason == null ? "" : banReason;
  }

  /** A created room's access for a user the store knows nothing else about. */
  public static MemberAccess none(RoomVisibility visibility) {
    return new MemberAccess(visibility, null, null, "", null);
  }

  /** The user's role, if they are a member. */
  public Optional<RoomRole> roleIfMember() {
    return Optional.ofNullable(role);
  }

  /** Whether a ban is in force at {@code now}. */
  public boolean bannedAt(Instant now) {
    return bannedUntil != null && now.isBefore(bannedUntil);
  }

  /** Whether a mute is in force at {@code now}. */
  public boolean mutedAt(Instant now) {
    return mutedUntil != null && now.isBefore(mutedUntil);
  }
}
