package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What {@link ChatServerBuilder#build()} refuses before anything is bound. */
class ChatServerBuilderTest {
  private static ChatServerBuilder builder() {
    return ChatServer.builder().authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
  }

  @Test
  void samePortForWebSocketAndHttpIsRefusedWithTheFix() {
    assertThatThrownBy(() -> builder().port(9000).httpPort(9000).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port and httpPort are both 9000")
        .hasMessageContaining("httpPort(")
        .hasMessageContaining("disableHttp()");
  }

  @Test
  void samePortIsFineWhenTheHttpSideIsOffOrBothPick() {
    assertThatCode(() -> builder().port(9000).httpPort(9000).disableHttp().build())
        .doesNotThrowAnyException();
    assertThatCode(() -> builder().port(0).httpPort(0).build()).doesNotThrowAnyException();
  }

  @Test
  void developmentAuthenticatorBindsLoopbackUnlessAnAddressIsAskedFor() {
    ChatServerBuilder development = builder();
    assertThat(development.host()).isEqualTo("127.0.0.1");
    assertThat(development.httpHost()).isEqualTo("127.0.0.1");

    ChatServerBuilder asked = builder().host("0.0.0.0");
    assertThat(asked.host()).isEqualTo("0.0.0.0");
    assertThat(asked.httpHost()).isEqualTo("0.0.0.0");

    ChatServerBuilder real =
        ChatServer.builder()
            .authenticator(
                request ->
                    java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("unused")));
    assertThat(real.host()).isEqualTo(ChatServerBuilder.DEFAULT_HOST).isEqualTo("0.0.0.0");
  }
}
