package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.jwk.JWKSet;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public keys from a JWKS URL, cached.
 *
 * <ul>
 *   <li>The first token fetches the keys; later ones use them until the TTL runs out, then fetch
 *       again.
 *   <li>A token naming a {@code kid} the keys lack asks for a fetch at once. If keys were fetched
 *       after the token arrived, they decide: a {@code kid} they lack is unknown for good. If none
 *       could be (inside the minimum refresh interval, or the fetch failed), the caller gets {@link
 *       AuthenticationUnavailableException}: the issuer may have just published the key, and the
 *       client retries after a backoff, when a fetch may be due.
 *   <li>Whatever asks, fetches are at least the minimum refresh interval apart (counted from the
 *       start of the previous attempt, good or failed); a request inside the interval gets the keys
 *       at hand. So a flood of made-up {@code kid}s costs the JWKS server one fetch per interval.
 *   <li>A failed fetch (connection, timeout, status, size, bad JSON) keeps the last good keys; with
 *       none, the caller gets {@link AuthenticationUnavailableException}.
 * </ul>
 *
 * <p>Thread-safe. Fetches run on the calling thread, one at a time (a lock); callers that arrive
 * during a fetch wait for it, as long as the timeout at most, and use its result.
 */
public final class RemoteKeySource implements KeySource {
  private static final Logger log = LoggerFactory.getLogger(RemoteKeySource.class);

  private record Snapshot(JWKSet keys, Instant fetchedAt, long fetch) {}

  /** What a client is told when its token's key may be published but cannot be fetched yet. */
  static final String UNKNOWN_KEY_NOT_YET = "the token's key is not known yet";

  private final URI uri;
  private final HttpClient http;
  private final Duration timeout;
  private final Duration ttl;
  private final Duration minRefreshInterval;
  private final int maxBytes;
  private final Clock clock;
  private final ReentrantLock fetchLock = new ReentrantLock();
  private volatile Snapshot snapshot;
  private Instant lastAttempt; // guarded by fetchLock

  /** A source for {@code uri}; nothing is fetched until a token needs keys. */
  public RemoteKeySource(
      URI uri,
      HttpClient http,
      Duration timeout,
      Duration ttl,
      Duration minRefreshInterval,
      int maxBytes,
      Clock clock) {
    this.uri = uri;
    this.http = http;
    this.timeout = timeout;
    this.ttl = ttl;
    this.minRefreshInterval = minRefreshInterval;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  @Override
  public long fetches() {
    Snapshot current = snapshot;
    return current == null ? 0 : current.fetch();
  }

  @Override
  public JWKSet keys() throws AuthenticationUnavailableException {
    Snapshot current = snapshot;
    if (current != null && clock.instant().isBefore(current.fetchedAt().plus(ttl))) {
      return current.keys();
    }
    return refresh(current, -1);
  }

  @Override
  public JWKSet keysAfterUnknownKey(JWKSet seen, long fetchesBefore)
      throws AuthenticationUnavailableException {
    Snapshot current = snapshot;
    if (current != null && current.fetch() > fetchesBefore) {
      return current.keys(); // fetched since the token arrived: that answer is final
    }
    return refresh(current, fetchesBefore);
  }

  /**
   * Fetches the keys unless another caller did since {@code seen}, or the last attempt is too
   * recent. For a token with an unknown key ({@code fetchesBefore} at least 0) only keys fetched
   * after the token arrived will do; without them it is {@link AuthenticationUnavailableException}.
   */
  private JWKSet refresh(Snapshot seen, long fetchesBefore)
      throws AuthenticationUnavailableException {
    try {
      if (!fetchLock.tryLock(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
        return usable(snapshot, fetchesBefore, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return usable(snapshot, fetchesBefore, e);
    }
    try {
      Snapshot current = snapshot;
      if (current != seen) {
        return current.keys(); // another caller fetched while this one waited
      }
      Instant now = clock.instant();
      if (lastAttempt != null && now.isBefore(lastAttempt.plus(minRefreshInterval))) {
        log.debug(
            "JWKS {}: not fetching again within {} of the last fetch", uri, minRefreshInterval);
        return usable(current, fetchesBefore, null);
      }
      lastAttempt = now;
      try {
        JWKSet keys = fetch();
        snapshot = new Snapshot(keys, now, current == null ? 1 : current.fetch() + 1);
        log.debug("JWKS {}: fetched {} public key(s)", uri, keys.size());
        return keys;
      } catch (IOException | ParseException e) {
        if (current == null) {
          log.warn("JWKS {}: fetch failed and no keys are cached: {}", uri, e.toString());
        } else {
          log.warn("JWKS {}: fetch failed; keeping the last good keys: {}", uri, e.toString());
        }
        return usable(current, fetchesBefore, e);
      }
    } finally {
      fetchLock.unlock();
    }
  }

  /**
   * The keys at hand when no fetch happens now. For a token with an unknown key ({@code
   * fetchesBefore} at least 0) they will do only if they were fetched after it arrived.
   */
  private static JWKSet usable(Snapshot snapshot, long fetchesBefore, Exception cause)
      throws AuthenticationUnavailableException {
    if (snapshot == null) {
      throw new AuthenticationUnavailableException("the token keys cannot be fetched", cause);
    }
    if (fetchesBefore >= 0 && snapshot.fetch() <= fetchesBefore) {
      throw new AuthenticationUnavailableException(UNKNOWN_KEY_NOT_YET, cause);
    }
    return snapshot.keys();
  }

  private JWKSet fetch() throws IOException, ParseException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/jwk-set+json, application/json")
            .GET()
            .build();
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(request, LimitedBodySubscriber.handler(maxBytes));
    HttpResponse<byte[]> response;
    try {
      response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw new IOException("no complete answer within " + timeout, e);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause);
    }
    if (response.statusCode() != 200) {
      throw new IOException("status " + response.statusCode());
    }
    // Secrets and private parts are dropped: a public JWKS has neither, and none may be used.
    return JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8)).toPublicJWKSet();
  }

  @Override
  public String toString() {
    return "JWKS at " + uri;
  }
}
