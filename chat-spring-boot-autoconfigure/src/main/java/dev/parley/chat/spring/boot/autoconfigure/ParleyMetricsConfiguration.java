package dev.parley.chat.spring.boot.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hands the application's {@link MeterRegistry} bean (Spring Boot Actuator's, typically) to the
 * auto-configured server, which then records its meters there (see {@code docs/metrics.md}).
 * Skipped when Micrometer is not on the class path; without a registry bean the server keeps its
 * default, Micrometer's global registry. Imported by {@link ParleyAutoConfiguration}. Stateless:
 * Spring calls its bean method once, on the thread that refreshes the context.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
class ParleyMetricsConfiguration {
  /** Passes the registry bean, if there is one, to the server's builder. */
  @Bean
  ChatServerBuilderCustomizer parleyMeterRegistryCustomizer(
      ObjectProvider<MeterRegistry> registry) {
    return builder -> registry.ifAvailable(builder::meterRegistry);
  }
}
