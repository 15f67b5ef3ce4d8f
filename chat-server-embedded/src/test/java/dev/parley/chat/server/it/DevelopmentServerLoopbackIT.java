package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import org.junit.jupiter.api.Test;

/** A server that lets anyone be anyone is reachable from this machine only, unless asked. */
class DevelopmentServerLoopbackIT {
  @Test
  void quickstartShapedServerListensOnLoopbackOnly() throws Exception {
    try (ChatServer server =
        ChatServer.builder()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .port(0)
            .httpPort(0)
            .build()
            .start()) {
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(server.httpUri())
          .hasValueSatisfying(uri -> assertThat(uri.getHost()).isEqualTo("127.0.0.1"));
    }
  }
}
