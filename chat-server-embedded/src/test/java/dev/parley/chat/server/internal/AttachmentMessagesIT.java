package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.HistoryPage;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.SettingsSnapshots;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server with attachments on and real clients over loopback: a message that attaches an upload by
 * its token reaches another member live and in history, with every field the token granted, over
 * WebSocket (binary frames) and Server-Sent Events (JSON).
 */
class AttachmentMessagesIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final RoomId ROOM = RoomId.of("holiday");
  private static final Attachment PHOTO =
      Attachment.of("1".repeat(64), "beach.png", "image/png", 48_213, 640, 480, "2".repeat(64));
  private static final Attachment NOTES =
      Attachment.of("3".repeat(64), "notes.txt", "text/plain", 12, 0, 0, "");

  @TempDir Path dir;
  private ChatServer server;
  private final List<ChatClient> clients = new ArrayList<>();
  private final AttachmentTokens tokens = TestAttachments.tokens(Clock.systemUTC());

  @BeforeEach
  void start() throws Exception {
    ChatServerBuilder builder =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME);
    ServerSettings settings =
        TestAttachments.with(
            SettingsSnapshots.of(builder),
            TestAttachments.settings(
                FileSystemBlobStore.open(dir.resolve("blobs")), dir.resolve("staging")));
    server = RealChatServer.create(settings).start();
  }

  @AfterEach
  void stop() {
    clients.forEach(ChatClient::close);
    server.close();
  }

  private URI endpoint(String transport) {
    return transport.equals("sse")
        ? server.httpUri().orElseThrow().resolve("/chat/sse")
        : server.webSocketUri();
  }

  private ChatSession connect(String transport, String user, Messages listener) throws Exception {
    ChatClient client =
        ChatClient.builder().endpoint(endpoint(transport)).random(new Random(7)).build();
    clients.add(client);
    return client.connect(user, listener).get(10, TimeUnit.SECONDS);
  }

  private String token(Attachment attachment, String owner) {
    return tokens.issue(attachment, UserId.of(owner), Duration.ofMinutes(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "sse"})
  void aMessageWithAttachmentsReachesMembersLiveAndInHistory(String transport) throws Exception {
    Messages aliceSees = new Messages();
    Messages bobSees = new Messages();
    RoomHandle alice = connect(transport, "alice", aliceSees).join(ROOM).get(10, TimeUnit.SECONDS);
    RoomHandle bob = connect(transport, "bob", bobSees).join(ROOM).get(10, TimeUnit.SECONDS);

    alice
        .send(
            OutgoingMessage.builder()
                .text("the beach")
                .attachment(token(PHOTO, "alice"))
                .attachment(token(NOTES, "alice"))
                .build())
        .get(10, TimeUnit.SECONDS);
    alice
        .send(OutgoingMessage.builder().attachment(token(NOTES, "alice")).build())
        .get(10, TimeUnit.SECONDS);

    List<ChatMessage> live = bobSees.awaitCount(2);
    assertThat(live.get(0).text()).isEqualTo("the beach");
    assertThat(live.get(0).sender()).isEqualTo(UserId.of("alice"));
    assertThat(delivered(live.get(0))).containsExactly(PHOTO, NOTES);
    assertThat(live.get(1).text()).isEmpty();
    assertThat(delivered(live.get(1))).containsExactly(NOTES);
    assertThat(withoutLinks(aliceSees.awaitCount(2))).isEqualTo(withoutLinks(live));

    // someone who was not there reads them in history, as stored
    RoomHandle carol =
        connect(transport, "carol", new Messages()).join(ROOM).get(10, TimeUnit.SECONDS);
    HistoryPage page = carol.history(Long.MAX_VALUE, 10).get(10, TimeUnit.SECONDS);
    // (links may differ: one made in a later link window has a later expiry)
    assertThat(withoutLinks(page.messages())).isEqualTo(withoutLinks(live));
    page.messages().forEach(AttachmentMessagesIT::delivered);

    // a token of someone else's upload refuses the send, and nothing reaches the room
    assertThatThrownBy(
            () ->
                bob.send(
                        OutgoingMessage.builder()
                            .text("mine")
                            .attachment(token(PHOTO, "alice"))
                            .build())
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    bob.send("plain").get(10, TimeUnit.SECONDS);
    assertThat(bobSees.awaitCount(3).get(2).text()).isEqualTo("plain");
    assertThat(bobSees.awaitCount(3).get(2).seq()).isEqualTo(3);
  }

  /** Records the messages of {@link #ROOM}, in the order the listener got them. */
  private static final class Messages implements ChatListener {
    private final List<ChatMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      if (event.message().room().equals(ROOM)) {
        messages.add(event.message());
      }
    }

    List<ChatMessage> awaitCount(int count) {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> messages.size() >= count);
      return List.copyOf(messages);
    }
  }

  /** A delivered message's attachments, each checked to have a signed link, without the links. */
  private static List<Attachment> delivered(ChatMessage m) {
    for (Attachment a : m.attachments()) {
      assertThat(a.url()).startsWith("/chat/files/" + a.id() + "?").contains("&sig=");
      assertThat(a.thumbnailUrl().isEmpty()).isEqualTo(a.thumbnailId().isEmpty());
    }
    return m.attachments().stream().map(Attachment::withoutLinks).toList();
  }

  private static List<ChatMessage> withoutLinks(List<ChatMessage> messages) {
    return messages.stream()
        .map(
            m -> m.withAttachments(m.attachments().stream().map(Attachment::withoutLinks).toList()))
        .toList();
  }
}
