package dev.parley.chat.transport.jws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import org.junit.jupiter.api.Test;

/**
 * Discovery of the provider through {@link java.util.ServiceLoader}. This module's test class path
 * holds no other transport, so it is also the one chosen by priority: an application without Netty.
 */
class JavaWebSocketTransportProviderTest {

  private static ServerTransportProvider select(String name) {
    return ProviderLookup.select(
        ServerTransportProvider.class,
        ProviderLookup.load(ServerTransportProvider.class, getClassLoader()),
        name,
        ServerTransportProvider::name,
        ServerTransportProvider::priority,
        ServerTransportProvider::isAvailable,
        "add a transport");
  }

  private static ClassLoader getClassLoader() {
    return JavaWebSocketTransportProviderTest.class.getClassLoader();
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertThat(select("java-websocket")).isInstanceOf(JavaWebSocketTransportProvider.class);
    assertThat(select(null)).isInstanceOf(JavaWebSocketTransportProvider.class);
  }

  @Test
  void describesItself() {
    JavaWebSocketTransportProvider provider = new JavaWebSocketTransportProvider();
    assertThat(provider.name()).isEqualTo(JavaWebSocketTransportProvider.NAME);
    assertThat(provider.priority())
        .isEqualTo(-10)
        .isEqualTo(JavaWebSocketTransportProvider.PRIORITY)
        .as("below the default transport's priority")
        .isNegative();
    assertThat(provider.isAvailable()).isTrue();
  }
}
