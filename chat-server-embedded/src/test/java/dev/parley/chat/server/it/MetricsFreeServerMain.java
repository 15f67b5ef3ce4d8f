package dev.parley.chat.server.it;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.util.concurrent.TimeUnit;

/**
 * Runs a server and a client for one message in a JVM of its own, for {@link WithoutMicrometerIT}:
 * {@code default} leaves the metrics setting alone, {@code off} calls {@code meterRegistry(null)}.
 * Prints the stored message's seq; exits 0 on success.
 */
public final class MetricsFreeServerMain {
  private MetricsFreeServerMain() {}

  public static void main(String[] args) throws Exception {
    ChatServerBuilder builder =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    if (args.length > 0 && args[0].equals("off")) {
      turnOff(builder);
    }
    try (ChatServer server = builder.build().start();
        ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      ChatSession session =
          client.connect("alice", new RecordingListener()).get(30, TimeUnit.SECONDS);
      SendReceipt receipt =
          session
              .join(RoomId.of("lobby"))
              .get(30, TimeUnit.SECONDS)
              .send("hello")
              .get(30, TimeUnit.SECONDS);
      System.out.println("stored seq " + receipt.seq());
    }
    System.exit(0);
  }

  /** In a method of its own: only this one names the builder's Micrometer-typed method. */
  private static void turnOff(ChatServerBuilder builder) {
    builder.meterRegistry(null);
  }
}
