package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A port that is taken fails {@code start()} with a message naming the address and the port. */
class BindFailureIT {
  @Test
  void takenWebSocketPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ChatServer server =
          ChatServer.builder()
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .host("127.0.0.1")
              .port(taken.getLocalPort())
              .disableHttp()
              .build();
      assertThatThrownBy(server::start)
          .isInstanceOf(BindException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
      server.close();
    }
  }

  @Test
  void takenHttpPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ChatServer server =
          ChatServer.builder()
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .host("127.0.0.1")
              .port(0)
              .httpPort(taken.getLocalPort())
              .build();
      assertThatThrownBy(server::start)
          .isInstanceOf(BindException.class)
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("HTTP");
      server.close();
    }
  }
}
