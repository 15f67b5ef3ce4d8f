package dev.parley.chat.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.transport.netty.internal.SubprotocolSelector.Choice;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubprotocolSelectorTest {
  private final SubprotocolSelector selector =
      new SubprotocolSelector(List.of("parley.v1.proto", "parley.v1.json"));

  @Test
  void theServersOrderWinsOverTheClients() {
    assertThat(selector.choose(List.of("parley.v1.json, parley.v1.proto")))
        .isEqualTo(new Choice("parley.v1.proto", true));
    assertThat(selector.choose(List.of("parley.v1.json")))
        .isEqualTo(new Choice("parley.v1.json", true));
  }

  @Test
  void everyHeaderAndTokenCounts() {
    assertThat(selector.choose(List.of("mqtt", " parley.v1.json ,x")))
        .isEqualTo(new Choice("parley.v1.json", true));
  }

  @Test
  void aClientAskingForNoneGetsTheFirstUnannounced() {
    assertThat(selector.choose(List.of())).isEqualTo(new Choice("parley.v1.proto", false));
    assertThat(selector.choose(List.of(" , "))).isEqualTo(new Choice("parley.v1.proto", false));
  }

  @Test
  void aClientAskingOnlyForUnknownOnesGetsNothing() {
    assertThat(selector.choose(List.of("parley.v9.proto", "mqtt"))).isNull();
    assertThat(selector.choose(List.of("parley.v1.PROTO"))).as("names are case-sensitive").isNull();
  }

  @Test
  void somethingMustBeOffered() {
    assertThatThrownBy(() -> new SubprotocolSelector(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
