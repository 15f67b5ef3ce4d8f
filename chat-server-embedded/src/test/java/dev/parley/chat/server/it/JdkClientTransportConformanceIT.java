package dev.parley.chat.server.it;

import dev.parley.chat.spi.ClientTransportProvider;
import dev.parley.chat.testkit.transport.ClientTransportConformanceSuite;
import java.net.URI;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The client's WebSocket transport ({@code "jdk"}) against a real server's WebSocket port. */
class JdkClientTransportConformanceIT extends ClientTransportConformanceSuite {
  private static Fixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = new Fixture(b -> b.requestRate(10_000, 10_000));
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /** A new instance of the named client transport, as the client's own lookup would find it. */
  static ClientTransportProvider load(String name) {
    return ServiceLoader.load(ClientTransportProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no client transport named " + name));
  }

  @Override
  protected ClientTransportProvider provider() {
    return load("jdk");
  }

  @Override
  protected URI endpoint() {
    return fixture.server.webSocketUri();
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
    return Set.of("parley-jdk-io");
  }
}
