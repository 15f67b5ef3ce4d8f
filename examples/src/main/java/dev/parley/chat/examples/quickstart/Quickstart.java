package dev.parley.chat.examples.quickstart;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The README's quickstart, compiled and run by the build: a server on a free port, Alice and Bob
 * connected with their own clients, one message from Alice to Bob. README.md shows the code between
 * the {@code snippet} markers; {@code DocSnippetsTest} fails when the two differ, and {@code
 * QuickstartIT} runs it.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Runs the quickstart; prints the receipt Alice got and the message Bob got. */
  public static void main(String[] args) throws Exception {
    // snippet:start quickstart
    try (ChatServer server =
            ChatServer.builder()
                .port(0) // any free port
                .disableHttp()
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME) // demos and tests only
                .build()
                .start();
        ChatClient alicesApp = ChatClient.builder().endpoint(server.webSocketUri()).build();
        ChatClient bobsApp = ChatClient.builder().endpoint(server.webSocketUri()).build()) {

      CompletableFuture<ChatMessage> bobReceived = new CompletableFuture<>();
      ChatListener bobsListener =
          new ChatListener() {
            @Override
            public void onMessage(ChatSession session, MessageEvent event) {
              bobReceived.complete(event.message());
            }
          };
      ChatSession bob = bobsApp.connect("bob", bobsListener).get(10, TimeUnit.SECONDS);
      bob.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);

      ChatSession alice =
          alicesApp.connect("alice", new ChatListener() {}).get(10, TimeUnit.SECONDS);
      RoomHandle general = alice.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);
      SendReceipt receipt = general.send("Hello, Bob!").get(10, TimeUnit.SECONDS);
      System.out.println("Stored as message " + receipt.seq() + " of " + receipt.room());

      ChatMessage message = bobReceived.get(10, TimeUnit.SECONDS);
      System.out.println("Bob got from " + message.sender() + ": " + message.text());
    }
    // snippet:end quickstart
  }
}
