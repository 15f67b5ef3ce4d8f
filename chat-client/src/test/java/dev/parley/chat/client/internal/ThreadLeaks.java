package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds threads the client started (its own pools and the JDK HttpClient's) that are still alive.
 */
final class ThreadLeaks {
  private static final Pattern CLIENT_THREAD =
      Pattern.compile("parley-.*|HttpClient-\\d+-SelectorManager|HttpClient-\\d+-Worker-\\d+");

  private final Set<Thread> before;

  private ThreadLeaks(Set<Thread> before) {
    this.before = before;
  }

  static ThreadLeaks snapshot() {
    return new ThreadLeaks(new HashSet<>(Thread.getAllStackTraces().keySet()));
  }

  /** Live client threads started since the snapshot. */
  List<String> newClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(name -> CLIENT_THREAD.matcher(name).matches())
        .sorted()
        .toList();
  }

  /** Waits until no client thread started since the snapshot is alive; fails after the timeout. */
  void awaitNoNewClientThreads(Duration timeout) {
    await("client threads started since the snapshot to end")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(() -> assertThat(newClientThreads()).as("live client threads").isEmpty());
  }
}
