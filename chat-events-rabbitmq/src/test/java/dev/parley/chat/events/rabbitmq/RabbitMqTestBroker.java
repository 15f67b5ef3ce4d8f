package dev.parley.chat.events.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The local RabbitMQ the tests use, and exchange names of their own per test.
 *
 * <p>Where it is: {@code PARLEY_TEST_RABBITMQ_URI} (default {@code
 * amqp://guest:guest@127.0.0.1:5672/%2f}). When it cannot be reached, tests fail if the environment
 * variable {@code CI} is {@code true} (CI must run them) and are skipped otherwise, with a message
 * saying how to run them.
 *
 * <p>Thread-safe.
 */
final class RabbitMqTestBroker {
  static final String URI =
      System.getenv()
          .getOrDefault("PARLEY_TEST_RABBITMQ_URI", "amqp://guest:guest@127.0.0.1:5672/%2f");

  private static volatile String unreachable;
  private static volatile boolean checked;

  private RabbitMqTestBroker() {}

  /** Returns if RabbitMQ answers; fails (in CI) or skips (elsewhere) the calling test otherwise. */
  static void requireRunning() {
    if (!checked) {
      synchronized (RabbitMqTestBroker.class) {
        if (!checked) {
          unreachable = ping();
          checked = true;
        }
      }
    }
    if (unreachable != null) {
      String how =
          "RabbitMQ is not reachable at "
              + redacted()
              + " ("
              + unreachable
              + "). Start a local RabbitMQ (rabbitmq-server -detached, user guest) on port 5672,"
              + " or point PARLEY_TEST_RABBITMQ_URI at one, to run these tests.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI must run the RabbitMQ tests. " + how);
      }
      Assumptions.abort(how);
    }
  }

  /** The broker's URI with the port replaced, for a sink behind a proxy. */
  static String uriWithPort(int port) {
    URI u = java.net.URI.create(URI);
    return u.getScheme() + "://" + u.getRawUserInfo() + "@127.0.0.1:" + port + u.getRawPath();
  }

  static String host() {
    return java.net.URI.create(URI).getHost();
  }

  static int port() {
    int port = java.net.URI.create(URI).getPort();
    return port < 0 ? 5672 : port;
  }

  /** An exchange name no other test or run uses. */
  static String uniqueExchange() {
    return "parley.test." + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
  }

  /** A new connection to the broker, for the tests' own consumers and admin actions. */
  static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(URI);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("parley-test");
  }

  private static String redacted() {
    URI u = java.net.URI.create(URI);
    return u.getScheme() + "://" + u.getHost() + ":" + port() + u.getRawPath();
  }

  private static String ping() {
    try {
      connect().close();
      return null;
    } catch (Exception e) {
      return e.toString();
    }
  }
}
