package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.client.ChatClient;
import dev.parley.chat.spi.ClientTransportConfig;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TransportSelectionTest {
  private static final List<URI> WS = List.of(URI.create("ws://localhost:7450/chat"));

  record Fake(String name, int priority, boolean isAvailable) implements ClientTransportProvider {
    @Override
    public CompletableFuture<ClientTransportConnection> connect(
        URI endpoint, ClientTransportConfig config, ClientTransportListener listener) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void theJdkTransportIsFoundOnTheClassPath() {
    ClientTransportProvider provider = TransportSelection.select(WS, null);
    assertThat(provider).isInstanceOf(JdkClientTransportProvider.class);
    assertThat(provider.name()).isEqualTo("jdk");
  }

  @Test
  void theBuilderSelectsTheJdkTransportByDefaultAndByName() {
    try (ChatClient client = ChatClient.builder().endpoint(WS.get(0)).transport("jdk").build()) {
      assertThat(((RealChatClient) client).transport().name()).isEqualTo("jdk");
    }
  }

  @Test
  void highestPriorityWinsThenNameBreaksTies() {
    List<ClientTransportProvider> found =
        List.of(
            new Fake("b", 5, true),
            new Fake("a", 5, true),
            new Fake("z", 9, false),
            new Fake("c", 1, true));
    assertThat(TransportSelection.select(found, WS, null).name()).isEqualTo("a");
  }

  @Test
  void anExplicitNameWinsOverPriority() {
    List<ClientTransportProvider> found =
        List.of(new Fake("fast", 10, true), new Fake("jdk", 0, true));
    assertThat(TransportSelection.select(found, WS, "jdk").name()).isEqualTo("jdk");
  }

  @Test
  void anUnknownNameFailsNamingWhatWasFound() {
    assertThatThrownBy(
            () -> TransportSelection.select(List.of(new Fake("jdk", 0, true)), WS, "netty"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'netty'")
        .hasMessageContaining("[jdk]")
        .hasMessageContaining("transport(name)");
  }

  @Test
  void anEndpointNoTransportSupportsFailsWithTheFix() {
    List<URI> tcp = List.of(URI.create("tcp://localhost:7450/chat"));
    assertThatThrownBy(() -> ChatClient.builder().endpoint(tcp.get(0)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no usable ClientTransportProvider")
        .hasMessageContaining("Endpoints use tcp")
        .hasMessageContaining("ws://");
  }

  @Test
  void httpEndpointsGoToTheSseTransportAndWebSocketOnesToTheJdkOne() {
    URI sse = URI.create("http://localhost:7451/chat/sse");
    ClientTransportProvider found = TransportSelection.select(List.of(sse), null);
    assertThat(found).isInstanceOf(SseClientTransportProvider.class);
    assertThat(found.supports(WS.get(0))).isFalse();
    assertThat(new JdkClientTransportProvider().supports(sse)).isFalse();

    try (ChatClient client = ChatClient.builder().endpoint(sse).build()) {
      assertThat(((RealChatClient) client).transport().name()).isEqualTo("sse");
    }
    try (ChatClient client = ChatClient.builder().endpoint(WS.get(0)).sseFallback(sse).build()) {
      assertThat(((RealChatClient) client).transport().name()).isEqualTo("jdk");
    }
  }
}
