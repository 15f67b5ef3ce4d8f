package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.Objects;

/** Keys given in the configuration. Immutable and thread-safe. */
public final class StaticKeySource implements KeySource {
  private final JWKSet keys;

  /** Trusts {@code keys}, checked by the builder. */
  public StaticKeySource(JWKSet keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  @Override
  public JWKSet keys() {
    return keys;
  }

  @Override
  public long fetches() {
    return 0;
  }

  @Override
  public JWKSet keysAfterUnknownKey(JWKSet seen, long fetchesBefore) {
    return keys;
  }

  @Override
  public String toString() {
    return keys.size() + " static key(s)";
  }
}
