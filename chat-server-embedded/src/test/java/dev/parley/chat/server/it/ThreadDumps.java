package dev.parley.chat.server.it;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the tests report when a server or client stops answering: the stacks of their threads. */
final class ThreadDumps {
  private ThreadDumps() {}

  /**
   * Waits for {@code future}; if it does not complete within {@code seconds}, fails with {@code
   * what} and the stacks of every Parley and JDK HTTP client thread.
   */
  static <T> T await(CompletableFuture<T> future, int seconds, String what)
      throws ExecutionException, InterruptedException {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete in " + seconds + " s\n" + dump(), e);
    }
  }

  /** The stacks (top 12 frames) of every Parley and JDK HTTP client thread. */
  static String dump() {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (thread.getName().startsWith("parley")
                  || thread.getName().startsWith("HttpClient")) {
                dump.append(thread.getName()).append(' ').append(thread.getState()).append('\n');
                for (int k = 0; k < Math.min(12, stack.length); k++) {
                  dump.append("    at ").append(stack[k]).append('\n');
                }
              }
            });
    return dump.toString();
  }
}
