package dev.parley.chat.transport.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportConfig;
import dev.parley.chat.spi.ServerTransportProvider;
import dev.parley.chat.testkit.transport.RecordingTransportHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Discovery of the provider through {@link java.util.ServiceLoader}. */
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
    assertThat(provider.priority()).isZero();
    assertThat(provider.isAvailable()).isTrue();
  }

  @Test
  void createsAnUnstartedTransportAndRejectsNulls() {
    ServerTransportConfig config =
        new ServerTransportConfig(
            new InetSocketAddress("127.0.0.1", 0),
            "/chat",
            List.of("parley.v1.proto"),
            1024,
            4,
            1024,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            4);
    JavaWebSocketTransportProvider provider = new JavaWebSocketTransportProvider();
    var transport = provider.create(config, new RecordingTransportHandler());
    assertThatThrownBy(transport::localAddress).isInstanceOf(IllegalStateException.class);
    transport.close();
    assertThatThrownBy(() -> provider.create(null, new RecordingTransportHandler()))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> provider.create(config, null))
        .isInstanceOf(NullPointerException.class);
  }
}
