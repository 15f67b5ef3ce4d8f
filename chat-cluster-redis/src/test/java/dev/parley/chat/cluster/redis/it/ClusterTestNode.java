package dev.parley.chat.cluster.redis.it;

import dev.parley.chat.cluster.redis.RedisClusterBus;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.it.ServerProcess;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * One cluster node that {@link ClusterCrashIT} runs in a child JVM and kills: a {@link ChatServer}
 * on 127.0.0.1 sharing a PostgreSQL store and a Redis bus with the other nodes. It prints {@code
 * READY <port>} once it listens and runs until it is killed; on SIGTERM a shutdown hook drains it.
 *
 * <p>Arguments: {@code <node id> <port> <http port> <redis uri> <key prefix> <lease ms> <jdbc url>
 * <user> <password> <schema>}.
 */
public final class ClusterTestNode {
  private ClusterTestNode() {}

  /** Starts the node; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length != 10) {
      throw new IllegalArgumentException(
          "usage: <node id> <port> <http port> <redis uri> <key prefix> <lease ms> <jdbc url>"
              + " <user> <password> <schema>");
    }
    int port = Integer.parseInt(args[1]);
    RedisClusterBus bus =
        RedisClusterBus.builder()
            .uri(args[3])
            .keyPrefix(args[4])
            .leaseTime(Duration.ofMillis(Long.parseLong(args[5])))
            .build();
    JdbcMessageStore store =
        JdbcMessageStore.builder()
            .jdbcUrl(args[6], args[7], args[8])
            .schema(args[9])
            .exclusiveWriter(false)
            .build();
    ChatServer server =
        ChatServer.builder()
            // A new id per process start, as the default is: a restarted node is a new node.
            .serverId(args[0] + "-" + ProcessHandle.current().pid())
            .host("127.0.0.1")
            .port(port)
            .httpHost("127.0.0.1")
            .httpPort(Integer.parseInt(args[2]))
            .requestRate(100_000, 100_000)
            .userSendRate(100_000, 100_000)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(store)
            .clusterBus(bus)
            .catchUpInterval(Duration.ofMillis(500))
            .build();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.drain(Duration.ofSeconds(10)).join();
                  store.close(); // the server leaves a store it was given open
                },
                "cluster-test-node-stop"));
    server.start();
    System.out.println(ServerProcess.READY + " " + server.address().getPort());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
