package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.UploadedFile;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client's uploads against the real server: {@code ChatSession.upload} over the tus
 * endpoint, resumed after the connection is cut part way through a chunk, then sent with a message
 * that another member receives with the attachment; images come back measured, with a thumbnail;
 * the server's refusals reach the caller as {@link ChatException}s.
 */
class ClientUploadIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("files");
  private static final int CHUNK = 64 * 1024;
  private static final long MAX_FILE = 1024 * 1024;

  @TempDir Path dir;
  private FileSystemBlobStore blobs;
  private ChatServer server;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
    server =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .attachments(
                AttachmentOptions.builder(blobs)
                    .stagingDirectory(dir.resolve("staging"))
                    .maxFileBytes(MAX_FILE)
                    .build())
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    server.close();
    blobs.close();
  }

  private ChatClient client(URI httpEndpoint) {
    ChatClient client =
        ChatClient.builder()
            .endpoint(server.webSocketUri())
            .httpEndpoint(httpEndpoint)
            .uploadChunkSize(CHUNK)
            .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .random(new Random(11))
            .build();
    toClose.add(0, client);
    return client;
  }

  private URI httpSide() {
    return server.httpUri().orElseThrow().resolve("/chat");
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void anUploadCutMidChunkResumesAndTheFileReachesTheRoom() throws Exception {
    URI http = server.httpUri().orElseThrow();
    // Cut once the client has sent 100 KiB: part way through the second chunk.
    ByteCountCuttingProxy proxy =
        new ByteCountCuttingProxy(new InetSocketAddress("127.0.0.1", http.getPort()), 100 * 1024);
    toClose.add(proxy);
    byte[] content = new byte[300 * 1024];
    new Random(42).nextBytes(content);
    Path file = Files.write(dir.resolve("measurements.bin"), content);

    ChatSession alice = await(client(proxied(proxy)).connect("alice", new RecordingListener()));
    RecordingListener bobsEvents = new RecordingListener();
    ChatSession bob = await(client(httpSide()).connect("bob", bobsEvents));
    RoomHandle alicesRoom = await(alice.join(ROOM));
    await(bob.join(ROOM));

    UploadedFile uploaded = await(alice.upload(file));

    assertThat(proxy.cut()).isTrue();
    // Resumed from the server's offset, not started again: well under two copies went up.
    assertThat(proxy.upstreamBytes()).isLessThan(content.length + 2L * CHUNK);
    Attachment attachment = uploaded.attachment();
    assertThat(attachment.id()).isEqualTo(sha256(content));
    assertThat(attachment.name()).isEqualTo("measurements.bin");
    assertThat(attachment.size()).isEqualTo(content.length);
    assertThat(attachment.isImage()).isFalse();

    await(
        alicesRoom.send(
            OutgoingMessage.builder().text("the data").attachment(uploaded.token()).build()));

    ChatMessage received = bobsEvents.awaitMessages(ROOM, 1, WAIT).get(0);
    assertThat(received.text()).isEqualTo("the data");
    assertThat(received.attachments()).hasSize(1);
    Attachment delivered = received.attachments().get(0);
    assertThat(delivered.withoutLinks()).isEqualTo(attachment);
    assertThat(delivered.url()).contains("/chat/files/" + attachment.id());
    HttpResponse<byte[]> download =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(http.resolve(delivered.url())).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(content);
  }

  @Test
  void anImageComesBackMeasuredWithAThumbnailAndCanBeSentWithoutText() throws Exception {
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 640; x++) {
      image.setRGB(x, x * 3 / 4, 0xff8800);
    }
    Path file = dir.resolve("sunset.png");
    ImageIO.write(image, "png", file.toFile());

    ChatSession alice = await(client(httpSide()).connect("alice", new RecordingListener()));
    RecordingListener bobsEvents = new RecordingListener();
    ChatSession bob = await(client(httpSide()).connect("bob", bobsEvents));
    RoomHandle alicesRoom = await(alice.join(ROOM));
    await(bob.join(ROOM));

    UploadedFile uploaded = await(alice.upload(file));

    Attachment attachment = uploaded.attachment();
    assertThat(attachment.contentType()).isEqualTo("image/png");
    assertThat(attachment.width()).isEqualTo(640);
    assertThat(attachment.height()).isEqualTo(480);
    assertThat(attachment.thumbnailId()).hasSize(64);

    await(alicesRoom.send(OutgoingMessage.builder().attachment(uploaded.token()).build()));
    ChatMessage received = bobsEvents.awaitMessages(ROOM, 1, WAIT).get(0);
    assertThat(received.text()).isEmpty();
    assertThat(received.attachments()).extracting(Attachment::id).containsExactly(attachment.id());
  }

  @Test
  void theServersRefusalsReachTheCallerWithTheirReason() throws Exception {
    Path big = Files.write(dir.resolve("big.bin"), new byte[(int) MAX_FILE + 1]);
    ChatSession alice = await(client(httpSide()).connect("alice", new RecordingListener()));

    ChatException tooLarge = failure(() -> alice.upload(big));
    assertThat(tooLarge.code()).isEqualTo(ErrorCode.TOO_LARGE);
    assertThat(tooLarge.getMessage()).contains("big.bin").contains("413");

    ChatException missing = failure(() -> alice.upload(dir.resolve("absent.bin")));
    assertThat(missing.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  private interface Upload {
    java.util.concurrent.CompletableFuture<UploadedFile> start();
  }

  private static ChatException failure(Upload upload) throws Exception {
    try {
      upload.start().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return (ChatException) e.getCause();
    }
    throw new AssertionError("the upload succeeded");
  }

  private static URI proxied(ByteCountCuttingProxy proxy) {
    return URI.create("http://127.0.0.1:" + proxy.port() + "/chat");
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
