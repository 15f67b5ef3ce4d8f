package dev.parley.chat.spring.boot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code parley} health contributor ({@link ParleyHealthIndicator}) for Spring Boot 4's health
 * endpoint ({@code /actuator/health}). Needs {@code spring-boot-health} (brought by {@code
 * spring-boot-starter-actuator}); turned off with {@code management.health.parley.enabled=false}.
 * Spring Boot 3's health API lives in another package, so on Boot 3 this configuration is skipped.
 * Stateless: Spring calls its bean method once, on the thread that refreshes the context.
 */
@AutoConfiguration(
    after = ParleyAutoConfiguration.class,
    beforeName =
        "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(ParleyServerLifecycle.class)
@ConditionalOnEnabledHealthIndicator("parley")
public class ParleyHealthContributorAutoConfiguration {
  /** Used by Spring. */
  public ParleyHealthContributorAutoConfiguration() {}

  /** The indicator; its bean name makes the contributor's name {@code parley}. */
  @Bean
  @ConditionalOnMissingBean(name = "parleyHealthIndicator")
  public ParleyHealthIndicator parleyHealthIndicator(ParleyServerLifecycle lifecycle) {
    return new ParleyHealthIndicator(lifecycle);
  }
}
