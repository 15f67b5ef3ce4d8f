package dev.parley.chat.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Discovery of the provider through {@link ServiceLoader}. The test class path also holds the
 * Java-WebSocket transport (through the embedded server), as an application that adds this module
 * to a default server would.
 */
class NettyTransportProviderTest {

  private static ServerTransportProvider select(String name) {
    ClassLoader loader = NettyTransportProviderTest.class.getClassLoader();
    return ProviderLookup.select(
        ServerTransportProvider.class,
        ProviderLookup.load(ServerTransportProvider.class, loader),
        name,
        ServerTransportProvider::name,
        ServerTransportProvider::priority,
        ServerTransportProvider::isAvailable,
        "add a transport");
  }

  @Test
  void isRegisteredWithServiceLoader() {
    assertThat(ServiceLoader.load(ServerTransportProvider.class).stream())
        .extracting(ServiceLoader.Provider::type)
        .contains(NettyTransportProvider.class);
  }

  @Test
  void isSelectedByItsNameButIsNotTheDefault() {
    assertThat(select("netty")).isInstanceOf(NettyTransportProvider.class);
    assertThat(select(null).name()).isEqualTo("java-websocket");
  }

  @Test
  void describesItself() {
    NettyTransportProvider provider = new NettyTransportProvider();
    assertThat(provider.name()).isEqualTo("netty").isEqualTo(NettyTransportProvider.NAME);
    assertThat(provider.priority()).isEqualTo(-10).isEqualTo(NettyTransportProvider.PRIORITY);
    assertThat(provider.isAvailable()).isTrue();
    assertThat(provider).hasToString("NettyTransportProvider[netty]");
  }
}
