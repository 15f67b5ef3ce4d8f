package dev.parley.chat.examples.spring;

import dev.parley.chat.server.RoomPolicy;
import dev.parley.chat.spring.boot.autoconfigure.ChatServerBuilderCustomizer;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the example adds to the auto-configured chat server beyond {@code application.properties}.
 * Its beans are made once, on the thread that starts the application.
 */
@Configuration(proxyBeanMethods = false)
public class ChatConfiguration {
  /** Used by Spring. */
  public ChatConfiguration() {}

  // snippet:start customizer
  /** Rooms named {@code staff-...} are for the users listed in {@code demo.staff} only. */
  @Bean
  ChatServerBuilderCustomizer staffRooms(DemoTokens demo) {
    Set<String> staff = Set.copyOf(demo.getStaff());
    RoomPolicy open = RoomPolicy.open();
    return builder ->
        builder.roomPolicy(
            (user, room) ->
                room.value().startsWith("staff-")
                    ? staff.contains(user.value())
                    : open.mayJoin(user, room));
  }
  // snippet:end customizer
}
