package dev.parley.chat.server.it;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AuthenticationException;
import dev.parley.chat.spi.AuthenticationUnavailableException;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.ConnectRequest;
import dev.parley.chat.spi.CredentialsExpiredException;
import dev.parley.chat.spi.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issues tokens (opaque strings naming a user, some expiring) and is the server's authenticator for
 * them: it knows only what it issued, refuses revoked users and expired tokens (the latter as
 * expired), and can be made unavailable. Records every token it was asked about. Thread-safe.
 */
final class TokenIssuer implements Authenticator {
  private final Map<String, Identity> issued = new ConcurrentHashMap<>();
  private final AtomicInteger serial = new AtomicInteger();
  private final Clock clock = Clock.systemUTC();
  final List<String> asked = new CopyOnWriteArrayList<>();
  final Set<UserId> revoked = ConcurrentHashMap.newKeySet();
  volatile boolean unavailable;

  /** Hands out identities without checking their expiry itself, as a careless authenticator. */
  volatile boolean leavesExpiryToTheServer;

  /** A token for {@code user} that expires {@code lifetime} from now. */
  String issue(String user, Duration lifetime) {
    return put(user, clock.instant().plus(lifetime));
  }

  /** A token for {@code user} that does not expire. */
  String permanent(String user) {
    return put(user, null);
  }

  private String put(String user, Instant expiresAt) {
    String token = user + ".t" + serial.incrementAndGet();
    issued.put(token, Identity.of(UserId.of(user), Set.of(), expiresAt));
    return token;
  }

  /** How many times the authenticator was asked about tokens of {@code user}. */
  long askedFor(String user) {
    return asked.stream().filter(t -> t.startsWith(user + ".t")).count();
  }

  @Override
  public CompletionStage<Identity> identify(ConnectRequest request) {
    asked.add(request.token());
    if (unavailable) {
      return CompletableFuture.failedFuture(
          new AuthenticationUnavailableException("identity provider unreachable"));
    }
    Identity identity = issued.get(request.token());
    if (identity == null) {
      return refuse("invalid token");
    }
    if (revoked.contains(identity.user())) {
      return refuse("access revoked");
    }
    if (!leavesExpiryToTheServer
        && identity.expiresAt().map(at -> !at.isAfter(clock.instant())).orElse(false)) {
      return CompletableFuture.failedFuture(new CredentialsExpiredException("token expired"));
    }
    return CompletableFuture.completedFuture(identity);
  }

  @Override
  public CompletionStage<UserId> authenticate(ConnectRequest request) {
    return identify(request).thenApply(Identity::user);
  }

  private static CompletionStage<Identity> refuse(String reason) {
    return CompletableFuture.failedFuture(new AuthenticationException(reason));
  }
}
