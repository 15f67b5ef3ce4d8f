package dev.parley.chat.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which {@code Origin} headers each {@link OriginPolicy} lets through, for which {@code Host}. */
class OriginPolicyTest {
  @Test
  void noOriginHeaderIsAlwaysAllowed() {
    assertThat(OriginPolicy.sameHost().allows(null, "chat.example.com")).isTrue();
    assertThat(OriginPolicy.sameHost().allows(null, null)).isTrue();
    assertThat(OriginPolicy.allowing(List.of("https://a.example")).allows(null, "x")).isTrue();
  }

  @Test
  void sameHostAllowsPagesOfTheHostTheRequestWasSentToOnAnyPort() {
    OriginPolicy policy = OriginPolicy.sameHost();
    assertThat(policy.allows("http://127.0.0.1:7451", "127.0.0.1:7450")).isTrue();
    assertThat(policy.allows("https://Chat.Example.com", "chat.example.com")).isTrue();
    assertThat(policy.allows("http://[::1]:7451", "[::1]:7450")).isTrue();
    assertThat(policy.allows("https://evil.example", "chat.example.com")).isFalse();
    assertThat(policy.allows("https://chat.example.com.evil.example", "chat.example.com"))
        .isFalse();
    assertThat(policy.allows("https://chat.example.com", null)).as("no Host to compare").isFalse();
    assertThat(policy.allows("null", "chat.example.com")).as("opaque origin").isFalse();
    assertThat(policy.allows("not an origin", "chat.example.com")).isFalse();
    assertThat(policy.allows("https://chat.example.com/path", "chat.example.com")).isFalse();
  }

  @Test
  void aListAllowsExactlyItsOriginsIgnoringCaseAndDefaultPorts() {
    OriginPolicy policy =
        OriginPolicy.allowing(List.of("https://chat.example.com", "http://localhost:3000"));
    assertThat(policy.allows("https://chat.example.com", "ws.example.com")).isTrue();
    assertThat(policy.allows("HTTPS://CHAT.EXAMPLE.COM:443", "ws.example.com")).isTrue();
    assertThat(policy.allows("http://localhost:3000", "localhost:7450")).isTrue();
    assertThat(policy.allows("http://chat.example.com", "ws.example.com")).as("scheme").isFalse();
    assertThat(policy.allows("https://chat.example.com:8443", "ws.example.com")).isFalse();
    assertThat(policy.allows("http://localhost:7450", "localhost:7450"))
        .as("the same host is not added to a list")
        .isFalse();
    assertThat(policy.origins())
        .containsExactlyInAnyOrder("https://chat.example.com", "http://localhost:3000");
  }

  @Test
  void anyOriginAllowsEverything() {
    assertThat(OriginPolicy.anyOrigin().allows("null", null)).isTrue();
    assertThat(OriginPolicy.anyOrigin().allows("https://evil.example", "a")).isTrue();
  }

  @Test
  void entriesThatAreNotOriginsAreRefusedByName() {
    for (String bad :
        List.of(
            "chat.example.com",
            "https://chat.example.com/",
            "https://chat.example.com?x=1",
            "https://chat.example.com#f",
            "https://u:p@chat.example.com",
            "",
            "null")) {
      assertThatThrownBy(() -> OriginPolicy.allowing(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "'"
                  + bad
                  + "' is not an origin: write scheme://host or scheme://host:port, with no path,"
                  + " such as https://chat.example.com");
    }
    assertThatThrownBy(() -> OriginPolicy.allowing(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no origin given");
  }
}
