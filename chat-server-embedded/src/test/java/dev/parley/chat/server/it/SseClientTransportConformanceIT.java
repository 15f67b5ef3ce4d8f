package dev.parley.chat.server.it;

import dev.parley.chat.spi.ClientTransportProvider;
import dev.parley.chat.testkit.transport.ClientTransportConformanceSuite;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The client's Server-Sent Events transport ({@code "sse"}) against a real server's HTTP port. */
class SseClientTransportConformanceIT extends ClientTransportConformanceSuite {
  private static Fixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = new Fixture(b -> b.requestRate(10_000, 10_000));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /** The server's SSE endpoint. */
  static URI sseEndpoint(Fixture fixture) {
    return fixture.server.httpUri().orElseThrow().resolve("/chat/sse");
  }

  @Override
  protected ClientTransportProvider provider() {
    return JdkClientTransportConformanceIT.load("sse");
  }

  @Override
  protected URI endpoint() {
    return sseEndpoint(fixture);
  }

  @Override
  protected String token(String user) {
    return user;
  }

  @Override
  protected String invalidToken() {
    return "not a nickname!";
  }

  @Override
  protected Set<String> threadPrefixes() {
    return Set.of("parley-sse-io", "parley-sse-timer");
  }
}
