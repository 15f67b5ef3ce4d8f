/**
 * JWT authentication for Parley servers. Nimbus JOSE+JWT (a {@code JWKSet} of static keys) and the
 * JDK's HTTP client (for JWKS fetches) appear in the builder's signature, so they are read by every
 * module that reads this one.
 */
module dev.parley.chat.auth.jwt {
  requires transitive dev.parley.chat.api;
  requires transitive com.nimbusds.jose.jwt;
  requires transitive java.net.http;
  requires org.slf4j;

  exports dev.parley.chat.auth.jwt;
}
