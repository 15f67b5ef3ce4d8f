package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Admission, removal and shutdown of {@link ConnectionRegistry}. */
class ConnectionRegistryTest {
  private final ConnectionRegistry<String> registry = new ConnectionRegistry<>(2);

  @Test
  void admitsUpToTheLimitAndAgainAfterARemoval() {
    assertThat(registry.admit("a")).isTrue();
    assertThat(registry.admit("b")).isTrue();
    assertThat(registry.admit("c")).isFalse();
    assertThat(registry.size()).isEqualTo(2);
    registry.remove("a");
    registry.remove("a");
    registry.remove("never admitted");
    assertThat(registry.size()).isEqualTo(1);
    assertThat(registry.admit("c")).isTrue();
    assertThat(registry.sockets()).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void eachAddressGetsItsShareAndAFreedSlotIsItsAgain() throws Exception {
    ConnectionRegistry<String> shared = new ConnectionRegistry<>(10, 2);
    InetAddress one = InetAddress.getByName("127.0.0.1");
    InetAddress two = InetAddress.getByName("127.0.0.2");
    assertThat(shared.admit("a", one)).isEqualTo(ConnectionRegistry.Admission.ADMITTED);
    assertThat(shared.admit("b", one)).isEqualTo(ConnectionRegistry.Admission.ADMITTED);
    assertThat(shared.admit("c", one)).isEqualTo(ConnectionRegistry.Admission.ADDRESS_FULL);
    assertThat(shared.admit("d", two)).isEqualTo(ConnectionRegistry.Admission.ADMITTED);
    assertThat(shared.size()).isEqualTo(3);
    shared.remove("a");
    shared.remove("a");
    assertThat(shared.admit("c", one)).isEqualTo(ConnectionRegistry.Admission.ADMITTED);
    assertThat(new ConnectionRegistry<String>(1, 1).admit("x", one))
        .isEqualTo(ConnectionRegistry.Admission.ADMITTED);
  }

  @Test
  void closingRefusesEveryoneAndReturnsWhoWasIn() {
    registry.admit("a");
    assertThat(registry.beginClosing()).containsExactly("a");
    assertThat(registry.isClosing()).isTrue();
    assertThat(registry.admit("b")).isFalse();
  }

  @Test
  void awaitEmptyReturnsWhenTheLastSocketLeaves() throws Exception {
    registry.admit("a");
    Thread remover = new Thread(() -> registry.remove("a"));
    remover.start();
    assertThat(registry.awaitEmpty(5, TimeUnit.SECONDS, System::nanoTime)).isTrue();
    remover.join();
  }

  @Test
  void awaitEmptyGivesUpAtTheTimeout() throws Exception {
    registry.admit("a");
    assertThat(registry.awaitEmpty(20, TimeUnit.MILLISECONDS, System::nanoTime)).isFalse();
  }
}
