package dev.parley.chat.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.auth.jwt.JwtAuthenticator;
import dev.parley.chat.auth.jwt.JwtAuthenticatorBuilder;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.internal.AbuseLimits;
import dev.parley.chat.server.internal.ServerSettings;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.OriginPolicy;
import dev.parley.chat.spi.WebSocketCompression;
import dev.parley.chat.testkit.tls.TestCertificates;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What the auto-configuration decides before any server starts: no sockets are opened. */
class ParleyAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ParleyAutoConfiguration.class))
          .withPropertyValues(
              "parley.host=127.0.0.1", "parley.port=0", "parley.http.enabled=false");

  @Test
  void withoutAnAuthenticatorTheApplicationFailsToStartAndSaysHowToProvideOne() {
    runner.run(
        context -> {
          assertThat(context).hasFailed();
          Throwable failure = context.getStartupFailure();
          assertThat(failure).rootCause().isInstanceOf(MissingAuthenticatorException.class);
          assertThat(failure)
              .rootCause()
              .hasMessageContaining("declare a bean of type dev.parley.chat.spi.Authenticator")
              .hasMessageContaining("parley.development-authenticator=true");

          FailureAnalysis analysis = new MissingAuthenticatorFailureAnalyzer().analyze(failure);
          assertThat(analysis).isNotNull();
          assertThat(analysis.getAction())
              .contains("Declare a bean of type dev.parley.chat.spi.Authenticator")
              .contains("parley.development-authenticator=true");
        });
  }

  @Test
  void disabledItMakesNoServerAndNeedsNoAuthenticator() {
    runner
        .withPropertyValues("parley.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(ChatServer.class);
              assertThat(context).doesNotHaveBean(ParleyServerLifecycle.class);
            });
  }

  @Test
  void aBadValueFailsStartupWithTheBuildersMessage() {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true", "parley.limits.max-text-bytes=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessage("maxTextBytes must be at least 1, was 0");
            });
  }

  @TempDir Path files;

  /** The snapshot the server was built with (decision 0015); read for assertions only. */
  static ServerSettings settingsOf(ChatServer server) throws ReflectiveOperationException {
    Field field = server.getClass().getDeclaredField("settings");
    field.setAccessible(true);
    return (ServerSettings) field.get(server);
  }

  @Test
  void abuseLimitsSecurityAndAccessPropertiesReachTheServer() {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.limits.user-sends-per-second=3",
            "parley.limits.user-send-burst=4",
            "parley.limits.user-joins-per-second=5",
            "parley.limits.user-join-burst=6",
            "parley.limits.user-history-reads-per-second=7",
            "parley.limits.user-history-read-burst=8",
            "parley.limits.max-connections-per-user=9",
            "parley.limits.max-connections-per-address=10",
            "parley.limits.max-rooms-per-user=11",
            "parley.limits.max-token-bytes=4096",
            "parley.limits.allowed-origins=https://chat.example.com,http://localhost:3000",
            "parley.security.token-expiry-lead=90s",
            "parley.access.cache-ttl=7s",
            "parley.access.cache-max-entries=500",
            "parley.presence.window=120ms",
            "parley.presence.large-room-threshold=250")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ServerSettings settings = settingsOf(context.getBean(ChatServer.class));
              AbuseLimits limits = settings.abuseLimits();
              assertThat(limits.sends()).isEqualTo(new AbuseLimits.Rate(3, 4));
              assertThat(limits.joins()).isEqualTo(new AbuseLimits.Rate(5, 6));
              assertThat(limits.historyReads()).isEqualTo(new AbuseLimits.Rate(7, 8));
              assertThat(limits.maxConnectionsPerUser()).isEqualTo(9);
              assertThat(limits.maxConnectionsPerAddress()).isEqualTo(10);
              assertThat(limits.maxRoomsPerUser()).isEqualTo(11);
              assertThat(limits.maxTokenBytes()).isEqualTo(4096);
              assertThat(limits.originPolicy())
                  .isEqualTo(
                      OriginPolicy.allowing(
                          List.of("https://chat.example.com", "http://localhost:3000")));
              assertThat(settings.tokenExpiryLead()).isEqualTo(Duration.ofSeconds(90));
              assertThat(settings.access().cacheTtl()).isEqualTo(Duration.ofSeconds(7));
              assertThat(settings.access().cacheMaxEntries()).isEqualTo(500);
              assertThat(settings.presence().window()).isEqualTo(Duration.ofMillis(120));
              assertThat(settings.presence().largeRoomThreshold()).isEqualTo(250);
              assertThat(settings.tls()).isNull();
            });
  }

  @Test
  void compressionPropertiesReachTheServerAndItIsOffUnlessEnabled() {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.compression.enabled=true",
            "parley.compression.min-message-bytes=512",
            "parley.compression.level=3",
            "parley.compression.server-context-takeover=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(settingsOf(context.getBean(ChatServer.class)).compression())
                  .isEqualTo(new WebSocketCompression(true, 512, 3, false, true));
            });
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .run(
            context ->
                assertThat(settingsOf(context.getBean(ChatServer.class)).compression())
                    .isEqualTo(WebSocketCompression.disabled()));
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.compression.enabled=true",
            "parley.compression.level=12")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("level must be between 1 and 9, was 12");
            });
  }

  @Test
  void unsetAbuseLimitsLeaveTheBuildersDefaults() {
    runner
        .withPropertyValues("parley.development-authenticator=true")
        .run(
            context -> {
              ServerSettings settings = settingsOf(context.getBean(ChatServer.class));
              assertThat(settings.abuseLimits().originPolicy()).isEqualTo(OriginPolicy.sameHost());
              assertThat(settings.abuseLimits().maxTokenBytes())
                  .isEqualTo(dev.parley.chat.server.ChatServerBuilder.DEFAULT_MAX_TOKEN_BYTES);
              assertThat(settings.tokenExpiryLead())
                  .isEqualTo(dev.parley.chat.server.ChatServerBuilder.DEFAULT_TOKEN_EXPIRY_LEAD);
            });
  }

  @Test
  void badNewLimitsFailStartupWithTheBuildersMessage() {
    Map<String, String> cases =
        Map.of(
            "parley.limits.user-send-burst=10",
            "userSendRate burst 10 must be at least perSecond 20",
            "parley.limits.user-joins-per-second=0",
            "userJoinRate perSecond must be at least 1, was 0",
            "parley.limits.max-token-bytes=10",
            "maxTokenBytes must be at least 64, was 10",
            "parley.limits.max-connections-per-address=0",
            "maxConnectionsPerAddress must be at least 1, was 0",
            "parley.limits.allowed-origins=*,https://chat.example.com",
            "allowedOrigins: \"*\" allows every origin",
            "parley.access.cache-max-entries=0",
            "accessCacheMaxEntries must be at least 1, was 0",
            "parley.security.token-expiry-lead=0s",
            "tokenExpiryLead");
    cases.forEach(
        (property, message) ->
            runner
                .withPropertyValues("parley.development-authenticator=true", property)
                .run(
                    context -> {
                      assertThat(context).as(property).hasFailed();
                      assertThat(context.getStartupFailure())
                          .as(property)
                          .rootCause()
                          .isInstanceOf(IllegalArgumentException.class)
                          .hasMessageContaining(message);
                    }));
  }

  @Test
  void incompleteOrContradictoryTlsPropertiesFailStartupAndSayWhy() throws Exception {
    Path chain = Files.writeString(files.resolve("chain.pem"), "");
    Map<String[], String> cases =
        Map.of(
            new String[] {"parley.tls.certificate-chain=" + chain},
            "parley.tls.certificate-chain and parley.tls.private-key go together",
            new String[] {
              "parley.tls.certificate-chain=" + chain,
              "parley.tls.private-key=" + chain,
              "parley.tls.key-store=" + chain
            },
            "parley.tls: give either certificate-chain and private-key (PEM files) or key-store,"
                + " not both",
            new String[] {"parley.tls.key-store=" + chain},
            "parley.tls.key-store needs parley.tls.key-store-password",
            new String[] {
              "parley.tls.key-store=" + files.resolve("missing.p12"),
              "parley.tls.key-store-password=changeit"
            },
            "cannot read parley.tls.key-store");
    cases.forEach(
        (properties, message) ->
            runner
                .withPropertyValues("parley.development-authenticator=true")
                .withPropertyValues(properties)
                .run(
                    context -> {
                      assertThat(context).hasFailed();
                      // a file that cannot be read is the cause of the IllegalArgumentException
                      assertThat(context.getStartupFailure())
                          .hasStackTraceContaining(
                              "java.lang.IllegalArgumentException: " + message);
                    }));
  }

  @Test
  void tlsPropertiesGiveTheServerItsCertificate() throws Exception {
    TestCertificates.Issued issued = TestCertificates.issue(files, "boot", "EC", "ip:127.0.0.1");
    runner
        .withPropertyValues(
            "parley.development-authenticator=true",
            "parley.tls.certificate-chain=" + issued.certificatePem(),
            "parley.tls.private-key=" + issued.keyPem())
        .run(
            context -> {
              ServerSettings settings = settingsOf(context.getBean(ChatServer.class));
              assertThat(settings.tls()).isNotNull();
              assertThat(settings.tls().certificate()).isEqualTo(issued.certificate());
            });
  }

  private Path publicKeyPem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return Files.writeString(
        files.resolve("issuer.pem"),
        TestCertificates.pem("PUBLIC KEY", generator.generateKeyPair().getPublic().getEncoded()));
  }

  @Test
  void jwtPropertiesMakeAJwtAuthenticatorThatTheServerUses() throws Exception {
    Path pem = publicKeyPem();
    runner
        .withPropertyValues(
            "parley.auth.jwt.public-key-pem=" + pem,
            "parley.auth.jwt.algorithms=ES256",
            "parley.auth.jwt.issuer=https://issuer.example.com",
            "parley.auth.jwt.audience=parley",
            "parley.auth.jwt.clock-skew=10s",
            "parley.auth.jwt.user-claim=preferred_username",
            "parley.auth.jwt.roles-claim=roles")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(JwtAuthenticator.class);
              assertThat(settingsOf(context.getBean(ChatServer.class)).authenticator())
                  .isSameAs(context.getBean(JwtAuthenticator.class));
            });
    runner
        .withPropertyValues(
            "parley.auth.jwt.jwks-uri=https://issuer.example.com/.well-known/jwks.json",
            "parley.auth.jwt.algorithms=RS256,ES256",
            "parley.auth.jwt.issuer=https://issuer.example.com",
            "parley.auth.jwt.audience=parley")
        .run(context -> assertThat(context).hasSingleBean(JwtAuthenticator.class));
  }

  @Test
  void theApplicationsOwnAuthenticatorWinsOverTheJwtProperties() throws Exception {
    Authenticator own = request -> CompletableFuture.completedFuture(null);
    runner
        .withBean(Authenticator.class, () -> own)
        .withPropertyValues(
            "parley.auth.jwt.public-key-pem=" + publicKeyPem(),
            "parley.auth.jwt.algorithms=ES256",
            "parley.auth.jwt.issuer=https://issuer.example.com",
            "parley.auth.jwt.audience=parley")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(JwtAuthenticator.class);
              assertThat(settingsOf(context.getBean(ChatServer.class)).authenticator())
                  .isSameAs(own);
            });
  }

  @Test
  void withoutKeysNoJwtAuthenticatorIsMade() {
    runner
        .withPropertyValues(
            "parley.auth.jwt.algorithms=ES256",
            "parley.auth.jwt.issuer=https://issuer.example.com",
            "parley.auth.jwt.audience=parley")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(MissingAuthenticatorException.class);
            });
  }

  @Test
  void missingJwtPropertiesFailStartupNamingThem() throws Exception {
    runner
        .withPropertyValues("parley.auth.jwt.public-key-pem=" + publicKeyPem())
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("parley.auth.jwt.algorithms")
                  .hasMessageContaining("parley.auth.jwt.issuer")
                  .hasMessageContaining("parley.auth.jwt.audience");
            });
    runner
        .withPropertyValues(
            "parley.auth.jwt.jwks-uri=https://issuer.example.com/jwks",
            "parley.auth.jwt.algorithms=ES256",
            "parley.auth.jwt.issuer=https://issuer.example.com")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("parley.auth.jwt.audience")
                  .hasMessageNotContaining("parley.auth.jwt.issuer");
            });
    runner
        .withPropertyValues(
            "parley.auth.jwt.jwks-uri=https://issuer.example.com/jwks",
            "parley.auth.jwt.algorithms=none",
            "parley.auth.jwt.issuer=https://issuer.example.com",
            "parley.auth.jwt.audience=parley")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("algorithm none can never be allowed");
            });
  }

  @Test
  void theJwtDefaultsAreTheJwtBuildersDefaults() {
    ParleyProperties.Jwt jwt = new ParleyProperties().getAuth().getJwt();
    assertThat(jwt.getClockSkew()).isEqualTo(JwtAuthenticatorBuilder.DEFAULT_CLOCK_SKEW);
    assertThat(jwt.getUserClaim()).isEqualTo(JwtAuthenticatorBuilder.DEFAULT_USER_CLAIM);
  }

  @Test
  void resiliencePropertiesReachTheBuilder() {
    runner
        .withPropertyValues(
            "parley.development-authenticator=true", "parley.resilience.breaker-window-size=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("breakerWindowSize");
            });
  }

  /**
   * The defaults the IDE shows (the configuration metadata, written by hand for values that come
   * from the builder's constants) are the defaults the properties really have.
   */
  @Test
  void theMetadataDefaultsAreThePropertiesDefaults() throws Exception {
    JsonObject metadata;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the configuration processor's output").isNotNull();
      metadata =
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .getAsJsonObject();
    }
    Map<String, String> defaults = new HashMap<>();
    for (JsonElement element : metadata.getAsJsonArray("properties")) {
      JsonObject property = element.getAsJsonObject();
      String name = property.get("name").getAsString();
      assertThat(property.has("description")).as("%s has a description", name).isTrue();
      if (property.has("defaultValue")) {
        defaults.put(name, property.get("defaultValue").getAsString());
      }
    }
    assertThat(defaults)
        .containsKeys("parley.port", "parley.http.port", "parley.limits.max-message-bytes");

    ParleyProperties fromMetadata =
        new Binder(new MapConfigurationPropertySource(defaults))
            .bindOrCreate("parley", ParleyProperties.class);
    assertThat(fromMetadata).usingRecursiveComparison().isEqualTo(new ParleyProperties());
  }
}
