package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.internal.ServerSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hook settings of {@link ChatServerBuilder} and the hook value types refuse bad input. */
class HookSettingsTest {
  @Test
  void hooksAreKeptInOrderAndTheTimeoutHasItsDefault() {
    MessageHook first = new MessageHook() {};
    MessageHook second = new MessageHook() {};
    SessionListener listener = new SessionListener() {};
    ChatServerBuilder builder =
        ChatServer.builder()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageHook(first)
            .messageHook(second)
            .sessionListener(listener);
    ServerSettings settings = builder.settings();
    assertThat(settings.messageHooks()).containsExactly(first, second);
    assertThat(settings.sessionListeners()).containsExactly(listener);
    assertThat(settings.hookTimeout()).isEqualTo(ChatServerBuilder.DEFAULT_HOOK_TIMEOUT);
  }

  @Test
  void hooksAddedAfterBuildDoNotReachTheSnapshot() {
    ChatServerBuilder builder =
        ChatServer.builder().authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    ServerSettings before = builder.settings();
    builder.messageHook(new MessageHook() {}).hookTimeout(Duration.ofSeconds(9));
    assertThat(before.messageHooks()).isEmpty();
    assertThat(before.hookTimeout()).isEqualTo(ChatServerBuilder.DEFAULT_HOOK_TIMEOUT);
  }

  @Test
  void badHookSettingsAreRefusedAtOnce() {
    assertThatThrownBy(() -> ChatServer.builder().hookTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hookTimeout must be positive");
    assertThatThrownBy(() -> ChatServer.builder().messageHook(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("hook");
    assertThatThrownBy(() -> ChatServer.builder().sessionListener(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("listener");
  }

  @Test
  void verdictsCarryExactlyWhatTheirKindNeeds() {
    assertThat(MessageVerdict.accept().kind()).isEqualTo(MessageVerdict.Kind.ACCEPT);
    assertThat(MessageVerdict.reject("no").reason()).isEqualTo("no");
    assertThat(MessageVerdict.rewrite("new").text()).isEqualTo("new");
    assertThatThrownBy(() -> new MessageVerdict(MessageVerdict.Kind.REJECT, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason");
    assertThatThrownBy(() -> new MessageVerdict(MessageVerdict.Kind.ACCEPT, "text", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text");
    assertThatThrownBy(() -> MessageVerdict.reject(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void eventsCopyTheirPayloadAndTellServerPublishesApart() {
    byte[] payload = {1, 2};
    BeforeStoreEvent fromServer =
        new BeforeStoreEvent(
            RoomId.of("r"), UserId.of("bot"), ClientMessageId.of("c"), "t", payload, "");
    payload[0] = 9;
    assertThat(fromServer.payload()).containsExactly(1, 2);
    assertThat(fromServer.fromServer()).isTrue();
    BeforeStoreEvent fromClient =
        new BeforeStoreEvent(
            RoomId.of("r"), UserId.of("ann"), ClientMessageId.of("c"), "t", null, "s-1");
    assertThat(fromClient.fromServer()).isFalse();
    assertThat(fromClient.payload()).isEmpty();
  }
}
