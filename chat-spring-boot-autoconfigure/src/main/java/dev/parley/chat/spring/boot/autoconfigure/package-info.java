/**
 * Spring Boot auto-configuration of an embedded Parley chat server: {@link
 * dev.parley.chat.spring.boot.autoconfigure.ParleyAutoConfiguration} builds a {@link
 * dev.parley.chat.server.ChatServer} from the {@code parley.*} properties and the application's
 * beans, {@link dev.parley.chat.spring.boot.autoconfigure.ParleyServerLifecycle} runs it with the
 * application context, and {@link dev.parley.chat.spring.boot.autoconfigure.ParleyHealthIndicator}
 * reports it to Actuator. See docs/spring-boot.md.
 */
package dev.parley.chat.spring.boot.autoconfigure;
