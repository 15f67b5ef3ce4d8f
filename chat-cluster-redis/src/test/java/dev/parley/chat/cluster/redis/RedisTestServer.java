package dev.parley.chat.cluster.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The local Redis the tests use, and a key prefix of their own per test.
 *
 * <p>Where it is: {@code PARLEY_TEST_REDIS_URI} (default {@code redis://127.0.0.1:6379}). When it
 * cannot be reached, tests fail if the environment variable {@code CI} is {@code true} (CI must run
 * them) and are skipped otherwise, with a message saying how to run them.
 *
 * <p>Thread-safe.
 */
public final class RedisTestServer {
  public static final String URI =
      System.getenv().getOrDefault("PARLEY_TEST_REDIS_URI", "redis://127.0.0.1:6379");

  private static volatile String unreachable;
  private static volatile boolean checked;

  private RedisTestServer() {}

  /** Returns if Redis answers; fails (in CI) or skips (elsewhere) the calling test otherwise. */
  public static void requireRunning() {
    if (!checked) {
      synchronized (RedisTestServer.class) {
        if (!checked) {
          unreachable = ping();
          checked = true;
        }
      }
    }
    if (unreachable != null) {
      String how =
          "Redis is not reachable at "
              + URI
              + " ("
              + unreachable
              + "). Start a local Redis (redis-server) on port 6379, or point"
              + " PARLEY_TEST_REDIS_URI at one, to run these tests.";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI must run the Redis tests. " + how);
      }
      Assumptions.abort(how);
    }
  }

  /** A key prefix no other test or run uses. */
  public static String uniquePrefix() {
    return "parley-test-" + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
  }

  /** Deletes every key under {@code prefix}. */
  public static void deleteKeys(String prefix) {
    RedisClient client = RedisClient.create(RedisURI.create(URI));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      List<String> found = new ArrayList<>();
      ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + ":*").limit(500))
          .forEachRemaining(found::add);
      if (!found.isEmpty()) {
        redis.del(found.toArray(String[]::new));
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static String ping() {
    RedisURI uri = RedisURI.create(URI);
    uri.setTimeout(Duration.ofSeconds(2));
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().ping();
      return null;
    } catch (RuntimeException e) {
      return e.toString();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
