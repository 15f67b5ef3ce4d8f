package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which transport a server built without {@code transport(name)} actually runs on. In the ordinary
 * run that is Netty, the default; in the {@code jws-smoke} run (see this module's pom), which
 * leaves Netty off the class path and sets the system property {@value #EXPECTED}, it is
 * Java-WebSocket. Either run fails here when its class path stops giving the transport it is meant
 * to test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DefaultTransportIT {
  /** The system property naming the transport this run expects; unset means {@code "netty"}. */
  static final String EXPECTED = "parley.it.transport";

  /** The thread-name prefix each of Parley's transports gives its threads. */
  private static final Map<String, String> THREAD_PREFIX =
      Map.of("netty", "parley-netty-", "java-websocket", "parley-jws-");

  private static String expected() {
    return System.getProperty(EXPECTED, "netty");
  }

  @Test
  void theProviderChosenByPriorityIsTheExpectedOne() {
    ServerTransportProvider chosen =
        ProviderLookup.select(
            ServerTransportProvider.class,
            ProviderLookup.load(
                ServerTransportProvider.class, DefaultTransportIT.class.getClassLoader()),
            null,
            ServerTransportProvider::name,
            ServerTransportProvider::priority,
            ServerTransportProvider::isAvailable,
            "the test class path needs a transport module");
    assertThat(chosen.name()).isEqualTo(expected());
  }

  @Test
  void nettyIsOnTheClassPathOnlyWhenItIsExpected() {
    boolean nettyPresent;
    try {
      Class.forName("io.netty.channel.Channel", false, DefaultTransportIT.class.getClassLoader());
      nettyPresent = true;
    } catch (ClassNotFoundException e) {
      nettyPresent = false;
    }
    assertThat(nettyPresent)
        .as("Netty on the test class path")
        .isEqualTo("netty".equals(expected()));
  }

  @Test
  void aServerWithoutATransportNameRunsOnTheExpectedTransportsThreads() throws Exception {
    String prefix = THREAD_PREFIX.get(expected());
    assertThat(prefix).as("a known transport: %s", expected()).isNotNull();
    try (Fixture fixture = new Fixture()) {
      RecordingListener listener = new RecordingListener();
      ChatSession session = fixture.connect("alice", listener);
      session.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);
      assertThat(Thread.getAllStackTraces().keySet())
          .as("live threads of the server's transport")
          .filteredOn(Thread::isAlive)
          .extracting(Thread::getName)
          .anyMatch(name -> name.startsWith(prefix));
    }
  }
}
