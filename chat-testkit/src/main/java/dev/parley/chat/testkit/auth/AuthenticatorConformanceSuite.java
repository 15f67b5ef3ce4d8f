package dev.parley.chat.testkit.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.Identity;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.assertj.core.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Authenticator} keeps: a valid token identifies its user (through {@link
 * Authenticator#identify} and {@link Authenticator#authenticate} alike); an invalid, empty,
 * unparseable or huge token is refused with {@link AuthenticationException}, never reported as
 * {@link AuthenticationUnavailableException} (which would make the client retry forever) and never
 * with an unchecked exception; an authenticator whose backend is down says {@link
 * AuthenticationUnavailableException}, never a refusal (which would make the client give up); every
 * call answers (no null stage, no hang); and concurrent calls each get their own answer.
 *
 * <p>Subclass it and implement {@link #newAuthenticator()}, {@link #validToken(UserId)} and {@link
 * #invalidTokens()}; override {@link #newUnavailableAuthenticator()} if your authenticator has a
 * backend that can be down, and {@link #garbageTokens()} to add tokens your format must refuse. Not
 * thread-safe (one test at a time per instance, as JUnit runs them).
 */
public abstract class AuthenticatorConformanceSuite {
  /** The authenticator under test; a new one for each test. */
  protected abstract Authenticator newAuthenticator() throws Exception;

  /** A token that {@link #newAuthenticator()}'s authenticators accept as {@code user}. */
  protected abstract String validToken(UserId user) throws Exception;

  /**
   * Tokens of your format that must be refused: forged, expired, for another audience... At least
   * one.
   */
  protected abstract List<String> invalidTokens() throws Exception;

  /**
   * An authenticator like {@link #newAuthenticator()}'s but whose backend (identity provider, key
   * server, database) cannot be reached, so that it cannot decide on {@link #validToken(UserId)}'s
   * tokens. Default null: the authenticator has no backend, and the test that needs it is skipped.
   */
  protected Authenticator newUnavailableAuthenticator() throws Exception {
    return null;
  }

  /**
   * Tokens no authenticator may accept: empty, blank, control characters, markup, non-ASCII, JSON.
   * Override to add your own (keep these).
   */
  protected List<String> garbageTokens() {
    return List.of(
        "",
        " ",
        "\u0000",
        "\n",
        "{}",
        "<script>alert(1)</script>",
        "a b",
        "caf\u00e9",
        "\u202e\u0000..",
        "%00",
        "\"alice\"");
  }

  /** Longest wait for one answer. Default 15 seconds (the machine may be busy). */
  protected Duration timeout() {
    return Duration.ofSeconds(15);
  }

  /** Threads in the concurrency test. Default 8. */
  protected int threads() {
    return 8;
  }

  private Authenticator authenticator;

  /** Makes this test's authenticator. */
  @BeforeEach
  protected void newAuthenticatorForTest() throws Exception {
    authenticator = newAuthenticator();
  }

  /** This test's authenticator. */
  protected Authenticator authenticator() {
    return authenticator;
  }

  @Test
  void validTokenIdentifiesItsUser() throws Exception {
    UserId alice = UserId.of("alice");
    Identity identity = identify(authenticator, validToken(alice));
    assertThat(identity.user()).isEqualTo(alice);
    assertThat(identity.roles()).doesNotContainNull();
    UserId bob = UserId.of("bob.jones@example");
    assertThat(identify(authenticator, validToken(bob)).user()).isEqualTo(bob);
  }

  @Test
  void authenticateAgreesWithIdentify() throws Exception {
    UserId carol = UserId.of("carol");
    CompletionStage<UserId> stage = authenticator.authenticate(request(validToken(carol)));
    assertThat(stage).as("authenticate's stage").isNotNull();
    assertThat(stage.toCompletableFuture().get(timeout().toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(carol);
  }

  @Test
  void invalidTokensAreRefused() throws Exception {
    List<String> invalid = invalidTokens();
    assertThat(invalid).as("invalidTokens()").isNotEmpty();
    for (String token : invalid) {
      assertRefused(authenticator, token);
    }
  }

  @Test
  void garbageIsRefused() throws Exception {
    for (String token : garbageTokens()) {
      assertRefused(authenticator, token);
    }
  }

  @Test
  void hugeTokensAreRefused() throws Exception {
    String valid = validToken(UserId.of("alice"));
    assertRefused(authenticator, "a".repeat(1 << 20));
    assertRefused(authenticator, (valid + ".").repeat((1 << 20) / (valid.length() + 1) + 1));
    assertRefused(authenticator, valid + "A".repeat(1 << 20));
  }

  @Test
  void unavailableBackendIsReportedAsUnavailableNotAsRefusal() throws Exception {
    Authenticator unavailable = newUnavailableAuthenticator();
    Assumptions.assumeThat(unavailable).as("the authenticator has a backend").isNotNull();
    Throwable failure = failure(unavailable, validToken(UserId.of("alice")));
    assertThat(failure)
        .as("the answer for a valid token while the backend is down")
        .isInstanceOf(AuthenticationUnavailableException.class);
  }

  @Test
  void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
    List<String> invalid = invalidTokens();
    int threads = threads();
    int callsPerThread = 40;
    List<String> valid = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      valid.add(validToken(UserId.of("user" + t)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < callsPerThread; i++) {
                    if (i % 2 == 0) {
                      assertThat(identify(authenticator, valid.get(thread)).user())
                          .isEqualTo(UserId.of("user" + thread));
                    } else {
                      assertRefused(authenticator, invalid.get((thread + i) % invalid.size()));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> result : results) {
        result.get(timeout().toMillis() * 4, TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A Connect request carrying {@code token}, from a loopback address. */
  protected static ConnectRequest request(String token) {
    return new ConnectRequest(
        token, "conformance", "1", new InetSocketAddress("127.0.0.1", 40_000));
  }

  /** The identity {@code authenticator} finds for {@code token}; fails the test if it refuses. */
  protected Identity identify(Authenticator authenticator, String token) throws Exception {
    CompletionStage<Identity> stage = authenticator.identify(request(token));
    assertThat(stage).as("identify's stage").isNotNull();
    try {
      Identity identity =
          stage.toCompletableFuture().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      assertThat(identity).as("identity").isNotNull();
      return identity;
    } catch (ExecutionException e) {
      throw new AssertionError("a valid token was not accepted: " + e.getCause(), e.getCause());
    }
  }

  /** Asserts that {@code authenticator} refuses {@code token} with an AuthenticationException. */
  protected void assertRefused(Authenticator authenticator, String token) throws Exception {
    assertThat(failure(authenticator, token))
        .as("the answer for %s", describe(token))
        .isInstanceOf(AuthenticationException.class)
        .isNotInstanceOf(AuthenticationUnavailableException.class);
  }

  /**
   * How {@code authenticator} failed for {@code token}: the exception its stage completed with, or
   * the unchecked one it threw. Fails the test if it accepted the token or did not answer in time.
   */
  protected Throwable failure(Authenticator authenticator, String token) throws Exception {
    CompletionStage<Identity> stage;
    try {
      stage = authenticator.identify(request(token));
    } catch (RuntimeException e) {
      return e;
    }
    assertThat(stage).as("identify's stage for %s", describe(token)).isNotNull();
    try {
      Identity identity =
          stage.toCompletableFuture().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      return fail("%s was accepted as %s", describe(token), identity);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
    } catch (TimeoutException e) {
      return fail("no answer within %s for %s", timeout(), describe(token));
    }
  }

  private static String describe(String token) {
    return token.length() <= 40
        ? "token \"" + token.replaceAll("\\p{Cntrl}", "?") + "\""
        : "a token of " + token.length() + " chars";
  }
}
