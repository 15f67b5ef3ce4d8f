package dev.parley.chat.auth.jwt;

import static dev.parley.chat.auth.jwt.JwtAttackTest.assertRefused;
import static dev.parley.chat.auth.jwt.JwtAttackTest.identify;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import dev.parley.chat.auth.jwt.JwtRefusalException.Reason;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.Identity;
import dev.parley.chat.testkit.time.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attacks and faults around a JWKS URL, served by the JDK's HTTP server on 127.0.0.1. Time is a
 * hand-moved clock, so the cache TTL and the refresh rate limit are exact.
 */
class JwksAttackIT {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
  private static final Duration MIN_REFRESH = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(NOW);
  private final ECKey oldKey = Tokens.ecKey("2026-11");
  private final ECKey newKey = Tokens.ecKey("2026-12");
  private JwksServer jwks;

  @AfterEach
  void stopJwks() {
    if (jwks != null) {
      jwks.close();
    }
  }

  private JwtAuthenticator authenticator(URI uri) {
    return JwtAuthenticator.builder()
        .jwksUri(uri)
        .jwksCacheTtl(Duration.ofMinutes(5))
        .jwksMinRefreshInterval(MIN_REFRESH)
        .jwksTimeout(Duration.ofSeconds(5))
        .algorithms("ES256")
        .issuer(Tokens.ISSUER)
        .audience(Tokens.AUDIENCE)
        .clock(clock)
        .build();
  }

  private String token(ECKey key, String user) {
    return Tokens.sign(key, Tokens.claims(user, clock.instant()).build());
  }

  @Test
  @DisplayName("key rotation: a new kid is fetched once the refresh interval allows, then accepted")
  void rotationMidRun() throws Exception {
    jwks = new JwksServer(List.of(oldKey));
    JwtAuthenticator authenticator = authenticator(jwks.uri());
    assertThat(identify(authenticator, token(oldKey, "alice")).get().user().value())
        .isEqualTo("alice");
    assertThat(jwks.fetches()).isEqualTo(1);

    jwks.serve(List.of(oldKey, newKey)); // the issuer publishes its next key
    // Within the interval the unknown kid costs no fetch; it may be new, so: try again later.
    assertUnknownKeyNotYet(authenticator, token(newKey, "bob"));
    assertUnknownKeyNotYet(authenticator, token(newKey, "bob"));
    assertThat(jwks.fetches()).isEqualTo(1);

    clock.advance(MIN_REFRESH);
    assertThat(identify(authenticator, token(newKey, "bob")).get().user().value()).isEqualTo("bob");
    assertThat(jwks.fetches()).isEqualTo(2);
    assertThat(identify(authenticator, token(oldKey, "alice")).get().user().value())
        .as("the old key still verifies while published")
        .isEqualTo("alice");

    jwks.serve(List.of(newKey)); // the old key is withdrawn
    clock.advance(Duration.ofMinutes(5)); // TTL: the cache is fetched again
    assertRefused(authenticator, token(oldKey, "alice"), Reason.UNKNOWN_KEY);
    assertThat(identify(authenticator, token(newKey, "bob")).get().user().value()).isEqualTo("bob");
    assertThat(jwks.fetches()).isEqualTo(3);
  }

  @Test
  @DisplayName("refresh rate limit: a flood of unknown kids costs at most one fetch per interval")
  void unknownKidFloodIsRateLimited() throws Exception {
    jwks = new JwksServer(List.of(oldKey));
    JwtAuthenticator authenticator = authenticator(jwks.uri());
    assertThat(identify(authenticator, token(oldKey, "alice")).get()).isNotNull();
    assertThat(jwks.fetches()).isEqualTo(1);
    List<String> flood = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flood.add(token(Tokens.ecKey("made-up-" + i), "mallory"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 3; round++) {
        List<Future<Throwable>> calls = new ArrayList<>();
        for (String forged : flood) {
          calls.add(pool.submit(() -> failureOf(authenticator, forged)));
        }
        int refused = 0;
        for (Future<Throwable> call : calls) {
          Throwable failure = call.get(60, TimeUnit.SECONDS);
          // refused for good once keys fetched after it lack its kid; else: not yet, retry
          if (failure instanceof JwtRefusalException refusal) {
            assertThat(refusal.reason()).isEqualTo(Reason.UNKNOWN_KEY);
            refused++;
          } else {
            assertThat(failure)
                .isInstanceOf(AuthenticationUnavailableException.class)
                .hasMessage("the token's key is not known yet");
          }
        }
        assertThat(jwks.fetches())
            .as("fetches after flood round %d (interval %d)", round, round + 1)
            .isEqualTo(1 + round);
        if (round == 0) {
          assertThat(refused).as("no fetch in the first interval: none refused for good").isZero();
        } else {
          assertThat(refused).as("the fetch of interval %d decided some", round + 1).isPositive();
        }
        clock.advance(MIN_REFRESH);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(identify(authenticator, token(oldKey, "alice")).get().user().value())
        .as("good tokens still pass after the flood")
        .isEqualTo("alice");
  }

  @Test
  @DisplayName("JWKS server down before any fetch: UNAVAILABLE (retryable), not a refusal")
  void jwksDownIsUnavailable() throws Exception {
    URI dead;
    try (JwksServer stopped = new JwksServer(List.of(oldKey))) {
      dead = stopped.uri();
    }
    JwtAuthenticator authenticator = authenticator(dead);
    assertUnavailable(authenticator, token(oldKey, "alice"));

    jwks = new JwksServer(List.of(oldKey));
    jwks.down(true); // up, but answering 503
    JwtAuthenticator behind503 = authenticator(jwks.uri());
    assertUnavailable(behind503, token(oldKey, "alice"));
    assertUnavailable(behind503, token(oldKey, "alice"));
    assertThat(jwks.fetches()).as("the second attempt waits for the interval").isEqualTo(1);
    jwks.down(false);
    clock.advance(MIN_REFRESH);
    assertThat(identify(behind503, token(oldKey, "alice")).get().user().value()).isEqualTo("alice");
  }

  @Test
  @DisplayName("JWKS server down after a good fetch: the cached keys keep working")
  void jwksDownLaterKeepsTheCachedKeys() throws Exception {
    jwks = new JwksServer(List.of(oldKey));
    JwtAuthenticator authenticator = authenticator(jwks.uri());
    assertThat(identify(authenticator, token(oldKey, "alice")).get()).isNotNull();
    jwks.down(true);
    clock.advance(Duration.ofMinutes(6)); // past the TTL: a fetch is tried, fails
    Identity identity = identify(authenticator, token(oldKey, "alice")).get();
    assertThat(identity.user().value()).isEqualTo("alice");
    assertThat(jwks.fetches()).isEqualTo(2);
    // an unknown kid cannot be looked up while the JWKS is down: not refused for good
    assertUnknownKeyNotYet(authenticator, token(newKey, "bob"));
    assertThat(jwks.fetches()).as("the interval holds while down").isEqualTo(2);
    clock.advance(MIN_REFRESH);
    assertUnknownKeyNotYet(authenticator, token(newKey, "bob"));
    assertThat(jwks.fetches()).isEqualTo(3);
    jwks.down(false);
    clock.advance(MIN_REFRESH);
    assertRefused(authenticator, token(newKey, "bob"), Reason.UNKNOWN_KEY);
    assertThat(jwks.fetches()).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "a kid published just after a fetch: retry later, then accepted; never published: refused")
  void keyPublishedJustAfterAFetchIsAcceptedOnRetry() throws Exception {
    jwks = new JwksServer(List.of(oldKey));
    JwtAuthenticator authenticator = authenticator(jwks.uri());
    assertThat(identify(authenticator, token(oldKey, "alice")).get()).isNotNull();
    jwks.serve(List.of(oldKey, newKey));
    String bobs = token(newKey, "bob");
    String forged = token(Tokens.ecKey("never-published"), "mallory");
    clock.advance(MIN_REFRESH.minusSeconds(1));
    assertUnknownKeyNotYet(authenticator, bobs);
    assertUnknownKeyNotYet(authenticator, forged);
    assertThat(jwks.fetches()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1)); // the clients retry, once a fetch is allowed
    assertRefused(authenticator, forged, Reason.UNKNOWN_KEY); // keys fetched for it lack it: final
    assertThat(identify(authenticator, bobs).get().user().value()).isEqualTo("bob");
    assertThat(jwks.fetches()).isEqualTo(2);
    // Inside the next interval a made-up kid costs no fetch and is not refused either.
    assertUnknownKeyNotYet(authenticator, forged);
    assertThat(jwks.fetches()).isEqualTo(2);
  }

  @Test
  @DisplayName("JWKS fetch timeout: a server that never answers cannot hold the caller")
  void silentJwksServerTimesOut() throws Exception {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      JwtAuthenticator authenticator =
          JwtAuthenticator.builder()
              .jwksUri(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/jwks.json"))
              .jwksTimeout(Duration.ofMillis(500))
              .algorithms("ES256")
              .issuer(Tokens.ISSUER)
              .audience(Tokens.AUDIENCE)
              .clock(clock)
              .build();
      // The call returns (with UNAVAILABLE) although the server accepts and never answers.
      assertUnavailable(authenticator, token(oldKey, "alice"));
    }
  }

  /** What identifying {@code token} failed with; null if it was accepted. */
  private static Throwable failureOf(JwtAuthenticator authenticator, String token) {
    try {
      identify(authenticator, token).get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertUnknownKeyNotYet(JwtAuthenticator authenticator, String token) {
    assertThat(failureOf(authenticator, token))
        .isInstanceOf(AuthenticationUnavailableException.class)
        .hasMessage("the token's key is not known yet");
  }

  private static void assertUnavailable(JwtAuthenticator authenticator, String token) {
    CompletableFuture<Identity> result = identify(authenticator, token);
    Throwable cause = null;
    try {
      result.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      cause = e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(cause)
        .isInstanceOf(AuthenticationUnavailableException.class)
        .hasMessage("the token keys cannot be fetched");
  }
}
