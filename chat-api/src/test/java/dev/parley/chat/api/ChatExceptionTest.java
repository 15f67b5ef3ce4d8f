package dev.parley.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChatExceptionTest {
  @Test
  void messageCarriesTheCodeOnceAndReasonNotAtAll() {
    ChatException e = new ChatException(ErrorCode.FORBIDDEN, "carol may not join dm:alice:bob");
    assertThat(e.getMessage()).isEqualTo("FORBIDDEN: carol may not join dm:alice:bob");
    assertThat(e.reason()).isEqualTo("carol may not join dm:alice:bob");
    ChatException passedOn = new ChatException(e.code(), "lost room: " + e.reason(), e);
    assertThat(passedOn.getMessage())
        .isEqualTo("FORBIDDEN: lost room: carol may not join dm:alice:bob");
  }

  @Test
  void retryAfterIsOptionalAndNeverNegative() {
    assertThat(new ChatException(ErrorCode.UNAVAILABLE, "store down").retryAfter()).isEmpty();
    assertThat(
            new ChatException(ErrorCode.UNAVAILABLE, "store down", Duration.ofSeconds(3))
                .retryAfter())
        .contains(Duration.ofSeconds(3));
    assertThatThrownBy(
            () -> new ChatException(ErrorCode.UNAVAILABLE, "store down", Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-0.001S");
  }
}
