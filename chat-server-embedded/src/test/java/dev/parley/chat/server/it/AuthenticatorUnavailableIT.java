package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.Authenticator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An authenticator whose backend is briefly down says "unavailable", and the client gets in once it
 * is back, without the application doing anything.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthenticatorUnavailableIT {
  @Test
  void clientRetriesUntilTheAuthenticatorIsBack() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Authenticator flaky =
        request ->
            calls.incrementAndGet() <= 2
                ? CompletableFuture.failedFuture(
                    new AuthenticationUnavailableException("identity provider unreachable"))
                : CompletableFuture.completedFuture(UserId.of(request.token()));
    try (Fixture fixture = new Fixture(builder -> builder.authenticator(flaky))) {
      RecordingListener listener = new RecordingListener();
      ChatSession session = fixture.client().connect("alice", listener).get(30, TimeUnit.SECONDS);

      assertThat(session.user()).isEqualTo(UserId.of("alice"));
      assertThat(session.state()).isEqualTo(ChatSession.State.CONNECTED);
      assertThat(calls).hasValue(3);
    }
  }
}
