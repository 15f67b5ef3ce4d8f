package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The checks {@link JwsConnection#close(int, String)} makes before anything reaches the wire. */
class JwsConnectionTest {

  @Test
  void onlyCodesAllowedInACloseFrameAreSendable() {
    for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011, 1014, 3000, 4003}) {
      assertThat(JwsConnection.isSendableCloseCode(code)).as("%d", code).isTrue();
    }
    for (int code : new int[] {-1, 0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000}) {
      assertThat(JwsConnection.isSendableCloseCode(code)).as("%d", code).isFalse();
    }
  }

  @Test
  void reasonsAreCutToWhatACloseFrameCarriesOnCharacterBoundaries() {
    assertThat(JwsConnection.truncateUtf8("short", 123)).isEqualTo("short");
    String ascii = "a".repeat(200);
    assertThat(JwsConnection.truncateUtf8(ascii, 123)).hasSize(123);
    String accents = "é".repeat(100); // 2 bytes each
    assertThat(JwsConnection.truncateUtf8(accents, 123)).isEqualTo("é".repeat(61));
    String clefs = "𝄞".repeat(40); // 4 bytes, 2 chars each
    String cut = JwsConnection.truncateUtf8(clefs, 123);
    assertThat(cut).isEqualTo("𝄞".repeat(30));
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
  }
}
