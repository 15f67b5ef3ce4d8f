package dev.parley.chat.auth.jwt.internal;

import com.nimbusds.jose.jwk.JWKSet;
import dev.parley.chat.spi.AuthenticationUnavailableException;

/** Where trusted keys come from. Implementations are thread-safe. */
public interface KeySource {
  /**
   * How many times the keys were fetched so far; read before {@link #keys()} to tell later whether
   * a fetch completed after a token arrived. Always 0 for keys that are never fetched.
   */
  long fetches();

  /** The keys to verify with now. */
  JWKSet keys() throws AuthenticationUnavailableException;

  /**
   * The keys after a token named a key that {@code seen} does not hold: fetched again if the source
   * can and may. The answer is final: a key missing from it is unknown for good.
   *
   * @param fetchesBefore {@link #fetches()} as read when the token arrived
   * @throws AuthenticationUnavailableException if the keys could not be fetched since the token
   *     arrived (the minimum refresh interval has not passed, or the fetch failed): the key may yet
   *     be published, so the token is neither accepted nor refused now
   */
  JWKSet keysAfterUnknownKey(JWKSet seen, long fetchesBefore)
      throws AuthenticationUnavailableException;
}
