package dev.parley.chat.examples.hooks;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The README's hooks sample, compiled and run by the build: a hook that rejects links, one that
 * rewrites a word, and a message the application publishes itself. README.md shows the code between
 * the {@code snippet} markers; {@code DocSnippetsTest} fails when the two differ, and {@code
 * HooksSampleIT} runs it.
 */
public final class HooksSample {
  private HooksSample() {}

  /** Runs the sample; prints what happened to each message. */
  public static void main(String[] args) throws Exception {
    // snippet:start hooks
    MessageHook noLinks =
        new MessageHook() {
          @Override
          public MessageVerdict beforeStore(BeforeStoreEvent event) {
            return event.text().contains("http://") || event.text().contains("https://")
                ? MessageVerdict.reject("links are not allowed in " + event.room().value())
                : MessageVerdict.accept();
          }
        };
    MessageHook politeness =
        new MessageHook() {
          @Override
          public MessageVerdict beforeStore(BeforeStoreEvent event) {
            return event.text().contains("darn")
                ? MessageVerdict.rewrite(event.text().replace("darn", "d**n"))
                : MessageVerdict.accept();
          }
        };
    ChatServer server =
        ChatServer.builder()
            .port(0)
            .disableHttp()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME) // demos and tests only
            .messageHook(noLinks) // hooks run in this order, on worker threads
            .messageHook(politeness)
            .build()
            .start();
    // snippet:end hooks
    try (server;
        ChatClient app = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      ChatSession alice = app.connect("alice", new ChatListener() {}).get(10, TimeUnit.SECONDS);
      RoomHandle general = alice.join(RoomId.of("general")).get(10, TimeUnit.SECONDS);
      try {
        general.send("see https://example.com").get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        ChatException refused = (ChatException) e.getCause();
        System.out.println("Refused (" + refused.code() + "): " + refused.reason());
      }
      general.send("darn, it works").get(10, TimeUnit.SECONDS);

      // snippet:start publish
      ChatMessage notice =
          server
              .rooms()
              .publish(RoomId.of("general"), UserId.of("system"), "Maintenance at 22:00 UTC")
              .get(10, TimeUnit.SECONDS);
      System.out.println("Published as message " + notice.seq());
      // snippet:end publish

      for (ChatMessage m : general.history(0, 10).get(10, TimeUnit.SECONDS).messages()) {
        System.out.println(m.seq() + " " + m.sender() + ": " + m.text());
      }
    }
  }
}
