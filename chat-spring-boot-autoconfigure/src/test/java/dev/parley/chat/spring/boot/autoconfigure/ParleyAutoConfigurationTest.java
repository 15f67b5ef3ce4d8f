package dev.parley.chat.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.parley.chat.server.ChatServer;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
          .withPropertyValues("parley.port=0", "parley.http.enabled=false");

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
