package dev.parley.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {
  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "tab\t", "new\nline", "ünïcode", "semi;colon", "slash/"})
  void roomIdRejectsBadCharactersWithAPreciseMessage(String bad) {
    assertThatThrownBy(() -> RoomId.of(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("room id");
  }

  @ParameterizedTest
  @ValueSource(ints = {RoomId.MAX_LENGTH + 1, 1000})
  void roomIdRejectsLongIds(int length) {
    assertThatThrownBy(() -> RoomId.of("r".repeat(length)))
        .hasMessageContaining("1 to " + RoomId.MAX_LENGTH);
  }

  @ParameterizedTest
  @MethodSource("userPairs")
  void directRoomIsSymmetricAndKnowsItsMembers(UserId a, UserId b) {
    RoomId room = RoomId.direct(a, b);
    assertThat(RoomId.direct(b, a)).isEqualTo(room);
    assertThat(room.isDirect()).isTrue();
    assertThat(room.isDirectMember(a)).isTrue();
    assertThat(room.isDirectMember(b)).isTrue();
    assertThat(room.isDirectMember(UserId.of("zz-outsider-zz"))).isFalse();
  }

  /** Seeded random user pairs: a property check without a property-testing engine. */
  static Stream<org.junit.jupiter.params.provider.Arguments> userPairs() {
    Random random = new Random(20261128L);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@";
    return Stream.generate(
            () -> {
              UserId a = UserId.of(randomId(random, alphabet));
              UserId b;
              do {
                b = UserId.of(randomId(random, alphabet));
              } while (b.equals(a));
              return org.junit.jupiter.params.provider.Arguments.of(a, b);
            })
        .limit(200);
  }

  private static String randomId(Random random, String alphabet) {
    int length = 1 + random.nextInt(30);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dm:", "dm:a", "dm:b:a", "dm:a:a", "dm:a:b:c", "general"})
  void malformedDirectIdsHaveNoMembers(String id) {
    assertThat(RoomId.of(id).isDirectMember(UserId.of("a"))).isFalse();
  }

  @org.junit.jupiter.api.Test
  void directRoomNeedsTwoUsers() {
    assertThatThrownBy(() -> RoomId.direct(UserId.of("a"), UserId.of("a")))
        .hasMessageContaining("two different users");
  }

  @org.junit.jupiter.api.Test
  void chatMessageCopiesItsPayload() {
    byte[] payload = {1, 2, 3};
    ChatMessage m =
        new ChatMessage(
            RoomId.of("r"),
            1,
            MessageId.of("m1"),
            UserId.of("u"),
            ClientMessageId.of("c"),
            java.time.Instant.EPOCH,
            "t",
            payload);
    payload[0] = 9;
    assertThat(m.payload()).containsExactly(1, 2, 3);
    m.payload()[1] = 9;
    assertThat(m.payload()).containsExactly(1, 2, 3);
    assertThatThrownBy(
            () ->
                new ChatMessage(
                    RoomId.of("r"),
                    0,
                    MessageId.of("m1"),
                    UserId.of("u"),
                    ClientMessageId.of("c"),
                    java.time.Instant.EPOCH,
                    "t",
                    null))
        .hasMessageContaining("seq must be 1 or more");
  }
}
