package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomPosition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads and retention in a real server: the links the server's {@link AttachmentLinks} make
 * download through its HTTP side, with the room's visibility deciding how long they work; and
 * retention, on the server's timer, removes what no message references.
 */
class AttachmentDownloadServerIT {
  private static final byte[] KEY = new byte[32];
  private static final RoomId LOBBY = RoomId.of("lobby");

  static {
    Arrays.fill(KEY, (byte) 3);
  }

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static ChatMessage message(RoomId room, Attachment attachment) {
    return new ChatMessage(
            room,
            1,
            MessageId.of("m1"),
            UserId.of("alice"),
            ClientMessageId.of("c1"),
            Instant.EPOCH,
            "",
            new byte[0])
        .withAttachments(List.of(attachment));
  }

  private Consumer<ChatServerBuilder> config(FileSystemBlobStore blobs) {
    return b ->
        b.host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .attachments(
                AttachmentOptions.builder(blobs)
                    .signingKey(KEY)
                    .stagingDirectory(dir.resolve("staging"))
                    .linkValidity(Duration.ofHours(1), Duration.ofDays(30))
                    .build());
  }

  @Test
  void theServersLinksDownloadFromItsHttpSide() throws Exception {
    try (FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
        Engine engine = new Engine(config(blobs))) {
      byte[] file = random(200_000, 11);
      byte[] thumbnail = new byte[64];
      System.arraycopy(
          new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0}, 0, thumbnail, 0, 4);
      BlobInfo stored = blobs.put(new ByteArrayInputStream(file), file.length);
      BlobInfo thumb = blobs.put(new ByteArrayInputStream(thumbnail), thumbnail.length);
      Attachment attachment =
          Attachment.of(
              stored.id().sha256(),
              "view.png",
              "image/png",
              file.length,
              800,
              600,
              thumb.id().sha256());

      // a member joined the lobby (never created: public), so this node knows its visibility
      engine.join(engine.connect("bob"), LOBBY.value());
      assertThat(engine.context.access().cachedVisibility(LOBBY)).isEqualTo(RoomVisibility.PUBLIC);
      assertThat(engine.context.access().cachedVisibility(RoomId.of("elsewhere"))).isNull();
      AttachmentLinks links = AttachmentLinks.create(engine.settings, engine.context.access());
      Attachment inLobby = links.withLinks(message(LOBBY, attachment)).attachments().get(0);
      Attachment elsewhere =
          links.withLinks(message(RoomId.of("elsewhere"), attachment)).attachments().get(0);
      long now = engine.clock.instant().getEpochSecond();
      assertThat(expiry(inLobby.url()) - now)
          .isGreaterThanOrEqualTo(Duration.ofDays(30).toSeconds());
      assertThat(expiry(elsewhere.url()) - now).isBetween(3600L, 7200L);

      ChatServerBuilder builder = ChatServer.builder();
      config(blobs).accept(builder);
      try (ChatServer server = builder.clock(engine.clock).build().start()) {
        URI side = server.httpUri().orElseThrow();
        HttpResponse<byte[]> download = get(side.resolve(inLobby.url()));
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(Arrays.equals(download.body(), file)).isTrue();
        assertThat(download.headers().firstValue("Content-Type")).contains("image/png");
        HttpResponse<byte[]> small = get(side.resolve(elsewhere.thumbnailUrl()));
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.body()).isEqualTo(thumbnail);
        assertThat(small.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(get(side.resolve(elsewhere.url().replace("view.png", "other.png"))).statusCode())
            .isEqualTo(403);
      }
    }
  }

  @Test
  void retentionOnTheServersTimerRemovesWhatNoMessageReferences() throws Exception {
    Engine.ManualClock clock = new Engine.ManualClock();
    ReferencingStore store = new ReferencingStore();
    try (FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"), clock)) {
      BlobInfo kept = blobs.put(new ByteArrayInputStream(random(100, 1)), 100);
      blobs.put(new ByteArrayInputStream(random(100, 2)), 100); // referenced by nothing
      store.referenced = Set.of(kept.id().sha256());
      ChatServer server =
          ChatServer.builder()
              .host("127.0.0.1")
              .port(0)
              .httpPort(0)
              .clock(clock)
              .messageStore(store)
              .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
              .attachments(
                  AttachmentOptions.builder(blobs)
                      .signingKey(KEY)
                      .stagingDirectory(dir.resolve("staging"))
                      .retention(Duration.ofHours(2), Duration.ofMillis(50))
                      .build())
              .build();
      try (server) {
        server.start();
        int asked = store.asked;
        await().atMost(Duration.ofSeconds(20)).until(() -> store.asked >= asked + 2);
        assertThat(ids(blobs)).as("younger than the grace period").hasSize(2);
        clock.advance(Duration.ofHours(2).plusMinutes(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> ids(blobs).size() == 1);
        assertThat(ids(blobs)).containsExactly(kept.id().sha256());
      }
    }
  }

  private static Set<String> ids(FileSystemBlobStore blobs) throws IOException {
    Set<String> ids = new HashSet<>();
    blobs.forEach(info -> ids.add(info.id().sha256()));
    return ids;
  }

  private static long expiry(String url) {
    return Long.parseLong(SignedAttachmentLinks.query(URI.create(url).getRawQuery()).get("exp"));
  }

  private HttpResponse<byte[]> get(URI uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A message store that says which blobs it references, as the test sets them. */
  private static final class ReferencingStore implements MessageStore {
    private final InMemoryMessageStore messages = new InMemoryMessageStore();
    volatile Set<String> referenced = Set.of();
    volatile int asked;

    @Override
    public CompletableFuture<Set<String>> referencedBlobs() {
      asked++;
      return CompletableFuture.completedFuture(referenced);
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest request) {
      return messages.append(request);
    }

    @Override
    public CompletableFuture<HistorySlice> read(
        RoomId room, long fromSeq, ReadDirection direction, int limit) {
      return messages.read(room, fromSeq, direction, limit);
    }

    @Override
    public CompletableFuture<RoomPosition> position(RoomId room) {
      return messages.position(room);
    }

    @Override
    public void close() {
      messages.close();
    }
  }
}
