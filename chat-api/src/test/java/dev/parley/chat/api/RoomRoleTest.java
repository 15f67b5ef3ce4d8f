package dev.parley.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table of what each role may do, as docs/protocol.md and RoomRole's Javadoc state it. */
class RoomRoleTest {
  private static Set<RoomPermission> held(RoomRole role) {
    Set<RoomPermission> held = EnumSet.noneOf(RoomPermission.class);
    for (RoomPermission p : RoomPermission.values()) {
      if (role.may(p)) {
        held.add(p);
      }
    }
    return held;
  }

  @Test
  void eachRoleHoldsExactlyItsRowOfTheTable() {
    assertThat(held(RoomRole.OWNER)).isEqualTo(EnumSet.allOf(RoomPermission.class));
    assertThat(held(RoomRole.MODERATOR))
        .isEqualTo(EnumSet.complementOf(EnumSet.of(RoomPermission.CHANGE_ROOM)));
    assertThat(held(RoomRole.MEMBER)).containsExactly(RoomPermission.READ, RoomPermission.SEND);
    assertThat(held(RoomRole.READER)).containsExactly(RoomPermission.READ);
  }

  @Test
  void rolesRankFromOwnerDownAndNoneOutranksItself() {
    assertThat(RoomRole.OWNER.outranks(RoomRole.MODERATOR)).isTrue();
    assertThat(RoomRole.MODERATOR.outranks(RoomRole.MEMBER)).isTrue();
    assertThat(RoomRole.MEMBER.outranks(RoomRole.READER)).isTrue();
    for (RoomRole role : RoomRole.values()) {
      assertThat(role.outranks(role)).isFalse();
    }
    assertThat(RoomRole.MODERATOR.outranks(RoomRole.OWNER)).isFalse();
  }
}
