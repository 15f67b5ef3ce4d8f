package dev.parley.chat.auth.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import dev.parley.chat.auth.jwt.internal.JwtSettings;
import dev.parley.chat.auth.jwt.internal.PemKeys;
import dev.parley.chat.auth.jwt.internal.RemoteKeySource;
import dev.parley.chat.auth.jwt.internal.StaticKeySource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Configures a {@link JwtAuthenticator}. Required: exactly one key source ({@link #keys(JWKSet)},
 * {@link #publicKeysPem(String)}, {@link #hmacSecret(byte[])} or {@link #jwksUri(URI)}), the {@link
 * #algorithms(String...) algorithm allowlist}, the {@link #issuer(String) issuer} and the {@link
 * #audience(String) audience}. Every setter validates at once and {@link #build()} checks that the
 * parts fit together (no HMAC algorithm with public keys, no asymmetric one with a secret), then
 * copies everything into an immutable authenticator: changing the builder later does not affect it.
 *
 * <p>Not thread-safe: configure it on one thread.
 */
public final class JwtAuthenticatorBuilder {
  /** Tolerance for clocks that disagree, applied to {@code exp} and {@code nbf}: 30 seconds. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

  /** Largest clock skew accepted: 5 minutes. */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  /** Longest token accepted, checked before parsing: 8 KiB. */
  public static final int DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

  /** The claim that names the user: {@code sub}. */
  public static final String DEFAULT_USER_CLAIM = "sub";

  /** How long fetched JWKS keys are used before they are fetched again: 5 minutes. */
  public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);

  /** Least time between two JWKS fetches, whatever asks for them: 30 seconds. */
  public static final Duration DEFAULT_JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** Longest a JWKS fetch (connect, request and body) may take: 5 seconds. */
  public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);

  /** Largest JWKS document accepted: 256 KiB. */
  public static final int MAX_JWKS_BYTES = 256 * 1024;

  /** The algorithms this module verifies; the allowlist is a subset of these. */
  public static final Set<String> SUPPORTED_ALGORITHMS =
      Set.of(
          "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
          "ES384", "ES512");

  private static final int MIN_HMAC_SECRET_BYTES = 32;
  private static final int MAX_MAX_TOKEN_BYTES = 1024 * 1024;

  private enum KeyKind {
    PUBLIC,
    SECRET,
    REMOTE
  }

  private KeyKind keyKind;
  private String keyDescription;
  private JWKSet staticKeys;
  private URI jwksUri;
  private List<JWSAlgorithm> algorithms;
  private String issuer;
  private String audience;
  private Duration clockSkew = DEFAULT_CLOCK_SKEW;
  private String userClaim = DEFAULT_USER_CLAIM;
  private String rolesClaim;
  private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
  private Clock clock = Clock.systemUTC();
  private Duration jwksCacheTtl = DEFAULT_JWKS_CACHE_TTL;
  private Duration jwksMinRefreshInterval = DEFAULT_JWKS_MIN_REFRESH_INTERVAL;
  private Duration jwksTimeout = DEFAULT_JWKS_TIMEOUT;
  private HttpClient httpClient;

  JwtAuthenticatorBuilder() {}

  /**
   * Trusts a fixed set of keys: either public keys only (RSA or EC; private parts are refused, so a
   * signing key is never handed to the verifier by mistake) or HMAC secrets only (each at least 32
   * bytes). A key with a {@code kid} verifies only tokens naming that {@code kid} or none; a key
   * without one may verify any token of a fitting algorithm.
   */
  public JwtAuthenticatorBuilder keys(JWKSet keys) {
    Objects.requireNonNull(keys, "keys");
    List<JWK> list = keys.getKeys();
    if (list.isEmpty()) {
      throw new IllegalArgumentException("the key set is empty: give at least one key");
    }
    boolean secret = list.get(0).getKeyType().equals(KeyType.OCT);
    for (JWK key : list) {
      boolean isSecret = key.getKeyType().equals(KeyType.OCT);
      if (isSecret != secret) {
        throw new IllegalArgumentException(
            "the key set mixes HMAC secrets and public keys: give one kind only, so an HMAC token"
                + " can never be checked against a public key");
      }
      if (isSecret) {
        requireLongSecret(key.toOctetSequenceKey().toByteArray().length);
      } else if (!key.getKeyType().equals(KeyType.RSA) && !key.getKeyType().equals(KeyType.EC)) {
        throw new IllegalArgumentException(
            "key " + key.getKeyID() + " has key type " + key.getKeyType() + ": use RSA or EC keys");
      } else if (key.isPrivate()) {
        throw new IllegalArgumentException(
            "key "
                + key.getKeyID()
                + " holds a private key: give the public key only (JWK.toPublicJWK())");
      }
    }
    setKeySource(
        secret ? KeyKind.SECRET : KeyKind.PUBLIC,
        list.size() + (secret ? " HMAC secret(s)" : " public key(s)"));
    this.staticKeys = new JWKSet(List.copyOf(list));
    return this;
  }

  /**
   * Trusts the public keys in {@code pem}: one or more {@code -----BEGIN PUBLIC KEY-----} blocks
   * (X.509 SubjectPublicKeyInfo, RSA or EC), as identity providers publish them. The keys have no
   * {@code kid}, so they may verify any token of a fitting algorithm.
   *
   * @throws IllegalArgumentException if {@code pem} holds no public key or one that cannot be read
   */
  public JwtAuthenticatorBuilder publicKeysPem(String pem) {
    return keys(new JWKSet(PemKeys.parsePublicKeys(Objects.requireNonNull(pem, "pem"))));
  }

  /**
   * Trusts one HMAC secret shared with the token issuer: at least 32 random bytes, kept out of
   * source code. Only HS256, HS384 and HS512 may then be allowed. Copied.
   */
  public JwtAuthenticatorBuilder hmacSecret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    requireLongSecret(secret.length);
    return keys(new JWKSet(new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(secret).build()));
  }

  /**
   * Trusts the public keys published at {@code uri} (a JWKS document, RFC 7517), fetched when first
   * needed, cached for {@link #jwksCacheTtl(Duration)} and fetched again early when a token names a
   * {@code kid} the cache does not hold, but never more often than {@link
   * #jwksMinRefreshInterval(Duration)}. HMAC secrets in the document are ignored. While a fetch
   * fails, the keys of the last good fetch stay in use; with none, tokens are answered with {@link
   * dev.parley.chat.spi.AuthenticationUnavailableException} (the client retries later).
   */
  public JwtAuthenticatorBuilder jwksUri(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new IllegalArgumentException(
          "jwksUri must be an http or https URI, was " + uri + " (use https outside tests)");
    }
    setKeySource(KeyKind.REMOTE, "JWKS at " + uri);
    this.jwksUri = uri;
    return this;
  }

  /**
   * The signature algorithms accepted, by JOSE name ({@code "ES256"}, {@code "RS256"}...).
   * Required: there is no default that accepts anything. {@code none} is never accepted. See {@link
   * #SUPPORTED_ALGORITHMS}.
   */
  public JwtAuthenticatorBuilder algorithms(String... names) {
    Objects.requireNonNull(names, "names");
    if (names.length == 0) {
      throw new IllegalArgumentException("give at least one algorithm, such as ES256 or RS256");
    }
    Set<JWSAlgorithm> parsed = new LinkedHashSet<>();
    for (String name : names) {
      Objects.requireNonNull(name, "algorithm name");
      if (name.trim().equalsIgnoreCase("none")) {
        throw new IllegalArgumentException(
            "algorithm none can never be allowed: it accepts unsigned tokens");
      }
      if (!SUPPORTED_ALGORITHMS.contains(name)) {
        throw new IllegalArgumentException(
            "unsupported algorithm "
                + name
                + ": choose from "
                + new java.util.TreeSet<>(SUPPORTED_ALGORITHMS));
      }
      parsed.add(JWSAlgorithm.parse(name));
    }
    this.algorithms = List.copyOf(parsed);
    return this;
  }

  /** The issuer every token's {@code iss} must equal. Required. */
  public JwtAuthenticatorBuilder issuer(String issuer) {
    this.issuer = requireText("issuer", issuer);
    return this;
  }

  /** The audience every token's {@code aud} must include. Required. */
  public JwtAuthenticatorBuilder audience(String audience) {
    this.audience = requireText("audience", audience);
    return this;
  }

  /**
   * How far the issuer's clock and this server's may disagree, applied to {@code exp} and {@code
   * nbf}. Default {@link #DEFAULT_CLOCK_SKEW}; from zero to {@link #MAX_CLOCK_SKEW}.
   */
  public JwtAuthenticatorBuilder clockSkew(Duration skew) {
    Objects.requireNonNull(skew, "skew");
    if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
      throw new IllegalArgumentException(
          "clockSkew must be between 0 and " + MAX_CLOCK_SKEW + ", was " + skew);
    }
    this.clockSkew = skew;
    return this;
  }

  /**
   * The claim whose string value is the Parley user id (see {@link dev.parley.chat.api.UserId}).
   * Default {@value #DEFAULT_USER_CLAIM}.
   */
  public JwtAuthenticatorBuilder userClaim(String claim) {
    this.userClaim = requireText("userClaim", claim);
    return this;
  }

  /**
   * The claim that lists the user's server-wide roles: an array of strings, or one string of roles
   * separated by spaces (like OAuth's {@code scope}). A token without it has no roles. Default:
   * none (no token grants roles).
   */
  public JwtAuthenticatorBuilder rolesClaim(String claim) {
    this.rolesClaim = requireText("rolesClaim", claim);
    return this;
  }

  /**
   * Longest token accepted, in bytes; longer ones are refused before any parsing. Default {@link
   * #DEFAULT_MAX_TOKEN_BYTES}; from 64 bytes to 1 MiB.
   */
  public JwtAuthenticatorBuilder maxTokenBytes(int bytes) {
    if (bytes < 64 || bytes > MAX_MAX_TOKEN_BYTES) {
      throw new IllegalArgumentException(
          "maxTokenBytes must be between 64 and " + MAX_MAX_TOKEN_BYTES + ", was " + bytes);
    }
    this.maxTokenBytes = bytes;
    return this;
  }

  /** The clock that {@code exp}, {@code nbf} and the JWKS cache are read against. Default UTC. */
  public JwtAuthenticatorBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * How long fetched JWKS keys are used before a fetch. Default {@link #DEFAULT_JWKS_CACHE_TTL}.
   */
  public JwtAuthenticatorBuilder jwksCacheTtl(Duration ttl) {
    this.jwksCacheTtl = requirePositive("jwksCacheTtl", ttl);
    return this;
  }

  /**
   * Least time between two JWKS fetches, for the cache and for unknown {@code kid}s alike: a flood
   * of tokens naming made-up keys costs the JWKS server at most one fetch per interval. An issuer
   * must publish a new key at least this long before signing with it. Default {@link
   * #DEFAULT_JWKS_MIN_REFRESH_INTERVAL}.
   */
  public JwtAuthenticatorBuilder jwksMinRefreshInterval(Duration interval) {
    this.jwksMinRefreshInterval = requirePositive("jwksMinRefreshInterval", interval);
    return this;
  }

  /**
   * Longest one JWKS fetch may take, from connecting to the last byte; the thread that waits for it
   * is the caller's. Default {@link #DEFAULT_JWKS_TIMEOUT}.
   */
  public JwtAuthenticatorBuilder jwksTimeout(Duration timeout) {
    this.jwksTimeout = requirePositive("jwksTimeout", timeout);
    return this;
  }

  /**
   * The HTTP client JWKS fetches use (for a proxy or TLS settings of your own). Default: a client
   * of the authenticator's own with {@link #jwksTimeout(Duration)} as connect timeout.
   */
  public JwtAuthenticatorBuilder httpClient(HttpClient client) {
    this.httpClient = Objects.requireNonNull(client, "client");
    return this;
  }

  /**
   * Checks the configuration and builds the authenticator.
   *
   * @throws IllegalStateException if a required part is missing or the algorithms do not fit the
   *     keys
   */
  public JwtAuthenticator build() {
    if (keyKind == null) {
      throw new IllegalStateException(
          "no keys: call keys, publicKeysPem, hmacSecret or jwksUri (exactly one)");
    }
    if (algorithms == null) {
      throw new IllegalStateException(
          "no algorithms: call algorithms(...) with the ones your issuer signs with, such as"
              + " ES256");
    }
    if (issuer == null) {
      throw new IllegalStateException("no issuer: call issuer(...) with your tokens' iss");
    }
    if (audience == null) {
      throw new IllegalStateException("no audience: call audience(...) with your tokens' aud");
    }
    List<String> misfits = new ArrayList<>();
    for (JWSAlgorithm algorithm : algorithms) {
      boolean hmac = JWSAlgorithm.Family.HMAC_SHA.contains(algorithm);
      if (hmac != (keyKind == KeyKind.SECRET)) {
        misfits.add(algorithm.getName());
      }
    }
    if (!misfits.isEmpty()) {
      throw new IllegalStateException(
          keyKind == KeyKind.SECRET
              ? "algorithms " + misfits + " do not fit an HMAC secret: allow only HS256/384/512"
              : "algorithms "
                  + misfits
                  + " need a shared secret but the keys are "
                  + keyDescription
                  + ": allow only RS*, PS* or ES* algorithms");
    }
    JwtSettings settings =
        new JwtSettings(
            algorithms,
            keyKind == KeyKind.REMOTE
                ? new RemoteKeySource(
                    jwksUri,
                    httpClient != null
                        ? httpClient
                        : HttpClient.newBuilder()
                            .connectTimeout(jwksTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build(),
                    jwksTimeout,
                    jwksCacheTtl,
                    jwksMinRefreshInterval,
                    MAX_JWKS_BYTES,
                    clock)
                : new StaticKeySource(staticKeys),
            issuer,
            audience,
            clockSkew,
            userClaim,
            rolesClaim,
            maxTokenBytes,
            clock);
    return new JwtAuthenticator(settings);
  }

  private void setKeySource(KeyKind kind, String description) {
    if (keyKind != null) {
      throw new IllegalStateException(
          "keys were already set to " + keyDescription + ": give exactly one key source");
    }
    this.keyKind = kind;
    this.keyDescription = description;
  }

  private static void requireLongSecret(int bytes) {
    if (bytes < MIN_HMAC_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "an HMAC secret must be at least " + MIN_HMAC_SECRET_BYTES + " bytes, was " + bytes);
    }
  }

  private static String requireText(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  private static Duration requirePositive(String what, Duration value) {
    Objects.requireNonNull(value, what);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
    return value;
  }
}
