package dev.parley.chat.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A Spring Boot application with a Parley chat server: {@code chat-spring-boot-starter} builds the
 * server from {@code application.properties} and this application's {@link TokenAuthenticator},
 * starts it with the application and drains it on shutdown; Actuator reports it at {@code
 * /actuator/health}. Run it with {@code ./mvnw -q -pl examples-spring-boot -am -Prun package
 * -DskipTests}. Holds no state of its own; Spring runs it on the {@code main} thread.
 */
@SpringBootApplication
@EnableConfigurationProperties(DemoTokens.class)
public class ParleySpringBootExample {
  /** Starts the application; Ctrl-C stops it, draining the chat clients first. */
  public static void main(String[] args) {
    SpringApplication.run(ParleySpringBootExample.class, args);
  }
}
