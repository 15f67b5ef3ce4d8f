package dev.parley.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

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
}
