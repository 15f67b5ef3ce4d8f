package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.jwk.JWKSet;
import dev.parley.chat.spi.AuthenticationUnavailableException;

/** Where trusted keys come from. Implementations are thread-safe. */
public interface KeySource {
  /** The keys to verify with now. */
  JWKSet keys() throws AuthenticationUnavailableException;

  /**
   * The keys after a token named a key that {@code seen} does not hold: fetched again if the source
   * can and may, else {@code seen} or newer.
   */
  JWKSet keysAfterUnknownKey(JWKSet seen) throws AuthenticationUnavailableException;
}
