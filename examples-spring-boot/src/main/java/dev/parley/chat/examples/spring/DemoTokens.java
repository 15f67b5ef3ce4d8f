package dev.parley.chat.examples.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The example's users: {@code demo.tokens.<token>=<user>} in {@code application.properties}, and
 * {@code demo.staff}, who may join the staff rooms. A real application checks signed tokens or asks
 * its identity provider instead. Bound once at startup; not thread-safe while binding, read-only
 * afterwards.
 */
@ConfigurationProperties("demo")
public class DemoTokens {
  /** Which user each token stands for. */
  private final Map<String, String> tokens = new LinkedHashMap<>();

  /** Users who may join rooms named {@code staff-...}. */
  private final List<String> staff = new ArrayList<>();

  /** Token to user id. */
  public Map<String, String> getTokens() {
    return tokens;
  }

  /** Users who may join the staff rooms. */
  public List<String> getStaff() {
    return staff;
  }
}
