package dev.parley.chat.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Discovery of the provider through {@link ServiceLoader}. The test class path also holds the
 * Java-WebSocket transport, as an application that adds it next to the default would: Netty still
 * wins by priority, and Java-WebSocket is chosen by name.
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
  void isTheDefaultAndJavaWebSocketIsSelectedByName() {
    assertThat(select("netty")).isInstanceOf(NettyTransportProvider.class);
    assertThat(select(null)).isInstanceOf(NettyTransportProvider.class);
    assertThat(select("java-websocket").name()).isEqualTo("java-websocket");
    assertThat(select("java-websocket").priority()).isLessThan(NettyTransportProvider.PRIORITY);
  }

  @Test
  void isNotAvailableWithoutNetty42() {
    ClassLoader own = NettyTransportProvider.class.getClassLoader();
    assertThat(NettyTransportProvider.isAvailable(own)).isTrue();
    // a class path with Netty 4.1 has the WebSocket codec but not 4.2's I/O handlers
    ClassLoader netty41 =
        new ClassLoader(own) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals("io.netty.channel.nio.NioIoHandler")) {
              throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
          }
        };
    assertThat(NettyTransportProvider.isAvailable(netty41)).isFalse();
  }

  @Test
  void describesItself() {
    NettyTransportProvider provider = new NettyTransportProvider();
    assertThat(provider.name()).isEqualTo("netty").isEqualTo(NettyTransportProvider.NAME);
    assertThat(provider.priority()).isZero().isEqualTo(NettyTransportProvider.PRIORITY);
    assertThat(provider.isAvailable()).isTrue();
    assertThat(provider).hasToString("NettyTransportProvider[netty]");
  }
}
