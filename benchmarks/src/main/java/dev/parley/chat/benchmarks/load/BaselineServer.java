package dev.parley.chat.benchmarks.load;

/**
 * A bare broadcast server the benchmark measures Parley against. Implementations are thread-safe.
 */
interface BaselineServer extends AutoCloseable {
  /** Starts listening and returns the bound port. */
  int startAndAwait() throws InterruptedException;

  /** Stops the server and its threads. */
  @Override
  void close();

  /** The room named by a request path such as {@code /room/17} (its last segment). */
  static String roomOf(String path) {
    int query = path.indexOf('?');
    String clean = query < 0 ? path : path.substring(0, query);
    return clean.substring(clean.lastIndexOf('/') + 1);
  }
}
