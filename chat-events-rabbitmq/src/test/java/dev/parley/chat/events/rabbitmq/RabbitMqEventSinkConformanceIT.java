package dev.parley.chat.events.rabbitmq;

import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import dev.parley.chat.testkit.events.EventSinkConformanceSuite;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The sink conformance suite against the real RabbitMQ, through a {@link ChaosProxy} so that the
 * fault cases can cut the connection. Each test gets an exchange and a queue of its own.
 */
class RabbitMqEventSinkConformanceIT extends EventSinkConformanceSuite {
  private TestQueue queue;
  private ChaosProxy proxy;

  @Override
  protected EventSink newSink() throws Exception {
    RabbitMqTestBroker.requireRunning();
    String exchange = RabbitMqTestBroker.uniqueExchange();
    queue = new TestQueue(exchange);
    proxy =
        new ChaosProxy(new InetSocketAddress(RabbitMqTestBroker.host(), RabbitMqTestBroker.port()))
            .start();
    return RabbitMqEventSink.builder()
        .uri(RabbitMqTestBroker.uriWithPort(proxy.port()))
        .exchange(exchange)
        .recoveryInterval(Duration.ofMillis(100))
        .breaker(4, Duration.ofMillis(500))
        .build();
  }

  @Override
  protected List<ChatEvent> receivedSoFar() {
    return queue.events();
  }

  @Override
  protected void cutDestination() {
    proxy.refuseNew(true);
    proxy.cutAll();
  }

  @Override
  protected void restoreDestination() {
    proxy.refuseNew(false);
  }

  @AfterEach
  void closeBroker() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (queue != null) {
      queue.close();
    }
  }
}
