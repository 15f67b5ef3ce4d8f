package dev.parley.chat.store.jdbc.it;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStoreBuilder;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The server that {@link StoreCrashIT} runs in a child JVM and kills: a {@link ChatServer} on
 * 127.0.0.1 backed by a {@link JdbcMessageStore} with its default (committed) durability. It prints
 * {@code READY <port>} on standard output once it listens, then runs until it is killed. On a
 * normal termination signal a shutdown hook closes the server, then the store.
 *
 * <p>Arguments: {@code h2 <port> <h2 file>}, or {@code pg <port> <jdbc url> <user> <password>
 * <schema>}.
 */
public final class CrashTestServer {
  private CrashTestServer() {}

  /** Starts the server; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      throw new IllegalArgumentException(usage());
    }
    int port = Integer.parseInt(args[1]);
    JdbcMessageStoreBuilder store =
        switch (args[0]) {
          case "h2" -> JdbcMessageStore.builder().h2File(Path.of(args[2]));
          case "pg" -> {
            if (args.length != 6) {
              throw new IllegalArgumentException(usage());
            }
            yield JdbcMessageStore.builder().jdbcUrl(args[2], args[3], args[4]).schema(args[5]);
          }
          default -> throw new IllegalArgumentException(usage());
        };
    JdbcMessageStore messages = store.build();
    ChatServer server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(port)
            .disableHttp()
            .requestRate(100_000, 100_000)
            .userSendRate(100_000, 100_000)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(messages)
            .build();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  messages.close(); // the server leaves a store it was given open
                },
                "crash-test-server-stop"));
    server.start();
    System.out.println(ServerProcess.READY + " " + server.address().getPort());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  private static String usage() {
    return "usage: h2 <port> <h2 file> | pg <port> <jdbc url> <user> <password> <schema>";
  }
}
