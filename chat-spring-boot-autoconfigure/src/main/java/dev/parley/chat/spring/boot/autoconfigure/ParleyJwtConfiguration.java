package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.auth.jwt.JwtAuthenticator;
import dev.parley.chat.auth.jwt.JwtAuthenticatorBuilder;
import dev.parley.chat.spi.Authenticator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link JwtAuthenticator} from the {@code parley.auth.jwt.*} properties, when chat-auth-jwt is
 * on the class path, {@code parley.auth.jwt.jwks-uri} or {@code parley.auth.jwt.public-key-pem} is
 * set, and the application has no {@link Authenticator} bean of its own (which always wins).
 * Stateless: Spring calls its bean method once, on the thread that refreshes the context.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JwtAuthenticator.class)
@Conditional(ParleyJwtConfiguration.KeysConfigured.class)
class ParleyJwtConfiguration {
  private static final String PREFIX = "parley.auth.jwt";

  @Bean
  @ConditionalOnMissingBean(Authenticator.class)
  JwtAuthenticator parleyJwtAuthenticator(ParleyProperties properties) {
    return jwtAuthenticator(properties.getAuth().getJwt());
  }

  /**
   * Builds the authenticator; the builder checks each value and names the bad one.
   *
   * @throws IllegalStateException if a required property is missing or both key sources are set
   * @throws IllegalArgumentException if a value is bad or the PEM file cannot be read
   */
  static JwtAuthenticator jwtAuthenticator(ParleyProperties.Jwt jwt) {
    List<String> missing = new ArrayList<>();
    if (jwt.getAlgorithms().isEmpty()) {
      missing.add(PREFIX + ".algorithms (such as ES256 or RS256)");
    }
    if (jwt.getIssuer() == null || jwt.getIssuer().isBlank()) {
      missing.add(PREFIX + ".issuer (the tokens' iss)");
    }
    if (jwt.getAudience() == null || jwt.getAudience().isBlank()) {
      missing.add(PREFIX + ".audience (the tokens' aud)");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Parley's JWT authenticator needs "
              + String.join(", ", missing)
              + "; or declare an Authenticator bean of your own");
    }
    if (jwt.getJwksUri() != null && jwt.getPublicKeyPem() != null) {
      throw new IllegalStateException(
          PREFIX + ".jwks-uri and " + PREFIX + ".public-key-pem are both set: give one of them");
    }
    JwtAuthenticatorBuilder builder = JwtAuthenticator.builder();
    if (jwt.getJwksUri() != null) {
      builder.jwksUri(jwt.getJwksUri());
    } else {
      String pem;
      try {
        pem = Files.readString(jwt.getPublicKeyPem());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read " + PREFIX + ".public-key-pem " + jwt.getPublicKeyPem() + ": " + e, e);
      }
      builder.publicKeysPem(pem);
    }
    builder
        .algorithms(jwt.getAlgorithms().toArray(String[]::new))
        .issuer(jwt.getIssuer())
        .audience(jwt.getAudience())
        .clockSkew(jwt.getClockSkew())
        .userClaim(jwt.getUserClaim());
    if (jwt.getRolesClaim() != null) {
      builder.rolesClaim(jwt.getRolesClaim());
    }
    return builder.build();
  }

  /** Either key source is set. */
  static final class KeysConfigured extends AnyNestedCondition {
    KeysConfigured() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty(prefix = PREFIX, name = "jwks-uri")
    static final class JwksUri {}

    @ConditionalOnProperty(prefix = PREFIX, name = "public-key-pem")
    static final class PublicKeyPem {}
  }
}
