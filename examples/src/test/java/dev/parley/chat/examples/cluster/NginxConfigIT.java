package dev.parley.chat.examples.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.ErrorEvent;
import dev.parley.chat.client.HistoryGapEvent;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.SendReceipt;
import dev.parley.chat.client.UploadedFile;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.server.InProcessClusterBus;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.testkit.net.ChaosProxy;
import dev.parley.chat.testkit.store.SharedMessageStore;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster example's {@code nginx.conf}, for real: nginx checks it, then runs it as an ordinary
 * user on free loopback ports in front of two Parley nodes in this JVM (an in-process bus and one
 * shared store standing in for Redis and PostgreSQL). A client connected through nginx chats, its
 * node is drained, and it carries on through nginx on the other node with nothing lost. A session
 * over Server-Sent Events works through nginx too: its stream is not held back, and all its
 * requests reach the node that holds it.
 *
 * <p>Needs nginx ({@code apt-get install nginx-light} on Debian and Ubuntu). Without it the test is
 * skipped, except when the environment variable {@code CI} is {@code true}: there it fails.
 */
@Timeout(120)
class NginxConfigIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("lobby");
  private static final String INSTALL = "apt-get install nginx-light";

  /** The attachment signing key of the nodes in the download test. */
  private static final byte[] SIGNING_KEY =
      "parley nginx test signing key, 32+ bytes".getBytes(StandardCharsets.UTF_8);

  /** The unprivileged user nginx runs as when the tests run as root (nobody). */
  private static final String NOBODY = "65534";

  private static Path nginx;

  private final InProcessClusterBus.Network network =
      new InProcessClusterBus.Network(Duration.ofSeconds(2));
  private final SharedMessageStore store = new SharedMessageStore(new InMemoryMessageStore());
  private final List<ChatServer> nodes = new ArrayList<>();
  private ChatClient client;
  private Process proxy;
  private Path prefix;
  private Path scratch; // blobs and staged uploads of the attachment test

  @BeforeAll
  static void findNginx() {
    Optional<Path> found = executable("PARLEY_NGINX", "nginx");
    if (found.isEmpty()) {
      String message = "NginxConfigIT needs nginx (not found); install it with `" + INSTALL + "`";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + ". CI=true: the nginx test must not be skipped on CI.");
      }
      Assumptions.abort("skipped: " + message);
    }
    nginx = found.get();
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (client != null) {
      client.close();
    }
    nodes.forEach(ChatServer::close);
    if (proxy != null) {
      proxy.destroy(); // SIGTERM: nginx's fast shutdown
      if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
    }
    for (Path folder : new Path[] {prefix, scratch}) {
      if (folder != null) {
        try (Stream<Path> files = Files.walk(folder)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
  }

  @Test
  void aClientThroughNginxMovesToTheOtherNodeWhenItsNodeDrains() throws Exception {
    ChatServer a = node("node-a");
    ChatServer b = node("node-b");
    int port = freePort();
    startNginx(port, List.of(a, b));
    assertThat(proxy.info().user()).as("the user nginx runs as").isNotEqualTo(Optional.of("root"));

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI front = URI.create("http://127.0.0.1:" + port + "/");
    assertThat(get(http, front).body()).contains("app.js");
    assertThat(get(http, front.resolve("/config.json")).body())
        .isEqualTo("{\"webSocketPort\":" + port + ",\"webSocketPath\":\"/chat\"}");

    client =
        ChatClient.builder()
            .endpoint(URI.create("ws://127.0.0.1:" + port + "/chat"))
            .random(new Random(7))
            .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
            .build();
    Member writerEvents = new Member();
    ChatSession writer = client.connect("writer", writerEvents).get(10, TimeUnit.SECONDS);
    RoomHandle room = writer.join(ROOM).get(10, TimeUnit.SECONDS);
    ChatServer writersNode = a.sessionCount() == 1 ? a : b;
    ChatServer otherNode = writersNode == a ? b : a;
    assertThat(writersNode.sessionCount()).isEqualTo(1);
    Member reader = new Member();
    client.connect("reader", reader).get(10, TimeUnit.SECONDS).join(ROOM).get(10, TimeUnit.SECONDS);

    int before = 20;
    int during = 40;
    int after = 10;
    List<CompletableFuture<SendReceipt>> sends = new ArrayList<>();
    for (int i = 0; i < before; i++) {
      sends.add(room.send("before " + i));
    }
    awaitAll(sends);
    reader.await(before);

    CompletableFuture<Void> drained = writersNode.drain(Duration.ofSeconds(20));
    for (int i = 0; i < during; i++) {
      sends.add(room.send("during " + i));
      Thread.sleep(5);
    }
    drained.get(40, TimeUnit.SECONDS);
    awaitAll(sends);
    for (int i = 0; i < after; i++) {
      sends.add(room.send("after " + i));
    }
    awaitAll(sends);

    int total = before + during + after;
    List<Long> everySeq = LongStream.rangeClosed(1, total).boxed().toList();
    assertThat(writersNode.isReady()).isFalse();
    assertThat(writer.state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(otherNode.sessionCount()).as("both sessions on the node left").isEqualTo(2);
    assertThat(store.position(ROOM).join().headSeq()).isEqualTo(total);
    assertThat(reader.await(total)).isEqualTo(everySeq);
    assertThat(writerEvents.await(total)).isEqualTo(everySeq);
    assertThat(reader.trouble).isEmpty();
    assertThat(writerEvents.trouble).isEmpty();
  }

  /**
   * The chat over Server-Sent Events through nginx: a session opens with a {@code POST}, its stream
   * comes through unbuffered (each event arrives while the stream is still open, before the next
   * frame is even sent), and every {@code POST} of the session reaches the node that holds it.
   */
  @Test
  void anSseSessionThroughNginxGetsEachEventAsItIsSent() throws Exception {
    ChatServer a = node("node-a");
    ChatServer b = node("node-b");
    int port = freePort();
    startNginx(port, List.of(a, b));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI sse = URI.create("http://127.0.0.1:" + port + "/chat/sse");

    HttpResponse<String> opened =
        http.send(
            HttpRequest.newBuilder(sse)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,"
                            + "\"token\":\"sse-reader\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(opened.statusCode()).as("POST /chat/sse: %s", opened.body()).isEqualTo(201);
    String session = jsonString(opened.body(), "session");
    String key = jsonString(opened.body(), "key");
    String ticket = jsonString(opened.body(), "ticket");

    URI stream = URI.create(sse + "/" + session);
    HttpResponse<InputStream> events =
        http.send(
            HttpRequest.newBuilder(URI.create(stream + "?ticket=" + ticket))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(events.headers().firstValue("X-Accel-Buffering"))
        .as("passed on for proxies in front of nginx")
        .hasValue("no");
    EventReader reader = new EventReader(events.body());
    Thread readerThread = new Thread(reader, "sse-reader");
    readerThread.setDaemon(true);
    readerThread.start();
    try {
      assertThat(reader.next()).contains("\"welcome\"").contains("\"user\":\"sse-reader\"");
      assertThat(List.of(a.sessionCount(), b.sessionCount()))
          .as("the SSE session, on one node")
          .containsExactlyInAnyOrder(0, 1);

      int postSeq = 0;
      post(http, stream, key, ++postSeq, "{\"requestId\":\"2\",\"join\":{\"room\":\"lobby\"}}");
      assertThat(reader.next()).contains("\"requestId\":\"2\"").contains("\"joined\"");

      // Someone else writes, one message at a time: each arrives on the open stream before the
      // next is written, so nothing holds the stream's bytes back.
      client =
          ChatClient.builder().endpoint(URI.create("ws://127.0.0.1:" + port + "/chat")).build();
      RoomHandle writer =
          client
              .connect("writer", new Member())
              .get(10, TimeUnit.SECONDS)
              .join(ROOM)
              .get(10, TimeUnit.SECONDS);
      for (int i = 1; i <= 3; i++) {
        writer.send("live " + i).get(10, TimeUnit.SECONDS);
        assertThat(reader.nextContaining("{\"message\":"))
            .contains("\"text\":\"live " + i + "\"")
            .contains("\"seq\":\"" + i + "\"");
      }

      // The session's own frames: POSTs of one and of a batch, all reaching the node that holds
      // the session (another node would not know it).
      for (int i = 1; i <= 3; i++) {
        post(
            http,
            stream,
            key,
            ++postSeq,
            "[{\"requestId\":\""
                + (10 + i)
                + "\",\"send\":{\"room\":\"lobby\",\"clientMessageId\":\"sse-"
                + i
                + "\",\"text\":\"posted "
                + i
                + "\"}},{\"ping\":{\"nonce\":\""
                + i
                + "\"}}]");
        assertThat(reader.nextContaining("\"sendAck\""))
            .contains("\"requestId\":\"" + (10 + i) + "\"");
      }
      assertThat(store.position(ROOM).join().headSeq()).isEqualTo(6);

      HttpResponse<String> deleted =
          http.send(
              HttpRequest.newBuilder(stream)
                  .timeout(Duration.ofSeconds(10))
                  .header("Parley-Session-Key", key)
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(deleted.statusCode()).as("DELETE: %s", deleted.body()).isEqualTo(204);
      assertThat(reader.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("the stream ends with the session")
          .isTrue();
      assertThat(reader.eventsOf("close")).allMatch(data -> data.contains("\"code\":1000"));
      HttpResponse<String> gone =
          http.send(
              HttpRequest.newBuilder(stream)
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .header("Parley-Session-Key", key)
                  .header("Parley-Post-Seq", String.valueOf(postSeq + 1))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"ping\":{\"nonce\":\"9\"}}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(gone.statusCode()).as("a POST after DELETE: %s", gone.body()).isEqualTo(404);
    } finally {
      events.body().close();
    }
  }

  /**
   * Attachment downloads through nginx's cache: the second fetch of a signed link is a cache hit
   * (and so is a range of it) and the node sees one request; a link whose signature has expired
   * goes to the node, which refuses it, and nginx keeps no copy of the refusal.
   */
  @Test
  void aDownloadThroughNginxIsCachedAndAnExpiredLinkIsRefusedByTheNode() throws Exception {
    scratch = Files.createTempDirectory("parley-attachments");
    CountingBlobStore blobs =
        new CountingBlobStore(FileSystemBlobStore.open(scratch.resolve("blobs")));
    byte[] bytes = new byte[150_000];
    new Random(17).nextBytes(bytes);
    String sha = blobs.put(new ByteArrayInputStream(bytes), bytes.length).id().sha256();
    ChatServer a = attachmentNode("node-a", blobs);
    ChatServer b = attachmentNode("node-b", blobs);
    int port = freePort();
    startNginx(port, List.of(a, b));

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI front = URI.create("http://127.0.0.1:" + port);
    long now = Instant.now().getEpochSecond();
    long exp = (now + 3600 + 3599) / 3600 * 3600;
    URI link = front.resolve(signedLink(sha, "photo 1.png", "image/png", exp));

    HttpResponse<byte[]> first = download(http, link);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-Cache-Status")).contains("MISS");
    assertThat(Arrays.equals(first.body(), bytes)).isTrue();
    assertThat(first.headers().firstValue("Cache-Control").orElseThrow())
        .startsWith("public, max-age=")
        .endsWith(", immutable");
    HttpResponse<byte[]> second = download(http, link);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("X-Cache-Status")).contains("HIT");
    assertThat(Arrays.equals(second.body(), bytes)).isTrue();
    assertThat(second.headers().firstValue("ETag")).contains("\"" + sha + "\"");
    HttpResponse<byte[]> range = download(http, link, "Range", "bytes=1000-1999");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("X-Cache-Status")).contains("HIT");
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
    assertThat(blobs.lookups.get()).as("requests that reached a node").isEqualTo(1);

    long past = now / 3600 * 3600 - 3600;
    URI expired = front.resolve(signedLink(sha, "photo 1.png", "image/png", past));
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> refused = download(http, expired);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.headers().firstValue("X-Cache-Status")).as("fetch %d", i).contains("MISS");
      assertThat(refused.headers().firstValue("Parley-Error")).contains("LINK_EXPIRED");
      assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("LINK_EXPIRED");
    }
    URI forged = URI.create(link.toString().replace("image%2Fpng", "text%2Fhtml"));
    HttpResponse<byte[]> refused = download(http, forged);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Parley-Error")).contains("FORBIDDEN");
    assertThat(blobs.lookups.get()).as("refused before the blob store").isEqualTo(1);
  }

  /**
   * Issue 17's end-to-end case: alice uploads a file in chunks through nginx on a connection that
   * is cut twice part way through a chunk, resumes each time from the bytes the node has, and sends
   * a message with it; bob, on the other node, gets the message with its link and downloads the
   * file byte-identical through nginx's cache, which fetches it from a node once.
   */
  @Test
  void aFileUploadedThroughTwoCutsIsDownloadedByteIdenticalThroughTheCache() throws Exception {
    scratch = Files.createTempDirectory("parley-attachments");
    CountingBlobStore blobs =
        new CountingBlobStore(FileSystemBlobStore.open(scratch.resolve("blobs")));
    ChatServer a = attachmentNode("node-a", blobs);
    ChatServer b = attachmentNode("node-b", blobs);
    int port = freePort();
    startNginx(port, List.of(a, b));
    byte[] file = new byte[3 * 1024 * 1024 + 12_345];
    new Random(42).nextBytes(file);
    Path path = scratch.resolve("holiday video.bin");
    Files.write(path, file);
    int chunk = 256 * 1024;

    try (ChaosProxy flaky =
        new ChaosProxy(new InetSocketAddress("127.0.0.1", port))
            .start()
            // part way through the 4th and the 9th chunk of the upload's PATCH bodies
            .cutAfterClientBytes(3 * chunk + 70_000, 8 * chunk + 123_456)) {
      ChatClient alicesApp =
          ChatClient.builder()
              .endpoint(URI.create("ws://127.0.0.1:" + port + "/chat"))
              .httpEndpoint(URI.create("http://127.0.0.1:" + flaky.port() + "/chat"))
              .uploadChunkSize(chunk)
              .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
              .build();
      client = alicesApp;
      ChatClient bobsApp =
          ChatClient.builder().endpoint(URI.create("ws://127.0.0.1:" + port + "/chat")).build();
      try (bobsApp) {
        ChatSession alice = alicesApp.connect("alice", new Member()).get(10, TimeUnit.SECONDS);
        RoomHandle room = alice.join(ROOM).get(10, TimeUnit.SECONDS);
        CompletableFuture<ChatMessage> bobGot = new CompletableFuture<>();
        bobsApp
            .connect(
                "bob",
                new ChatListener() {
                  @Override
                  public void onMessage(ChatSession session, MessageEvent event) {
                    bobGot.complete(event.message());
                  }
                })
            .get(10, TimeUnit.SECONDS)
            .join(ROOM)
            .get(10, TimeUnit.SECONDS);

        UploadedFile uploaded = alice.upload(path).get(60, TimeUnit.SECONDS);
        assertThat(flaky.cutCount()).as("cuts during the upload").isEqualTo(2);
        assertThat(flaky.clientBytes())
            .as("bytes sent, more than the file: the cut chunks were sent again")
            .isGreaterThan(file.length);
        assertThat(uploaded.attachment().size()).isEqualTo(file.length);
        assertThat(uploaded.attachment().name()).isEqualTo("holiday video.bin");
        room.send(OutgoingMessage.builder().text("the video").attachment(uploaded.token()).build())
            .get(10, TimeUnit.SECONDS);

        ChatMessage message = bobGot.get(10, TimeUnit.SECONDS);
        assertThat(message.attachments()).hasSize(1);
        Attachment attachment = message.attachments().get(0);
        assertThat(attachment.id()).isEqualTo(sha256Hex(file));
        URI link = URI.create("http://127.0.0.1:" + port).resolve(attachment.url());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int before = blobs.lookups.get();
        HttpResponse<byte[]> first = download(http, link);
        HttpResponse<byte[]> second = download(http, link);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Cache-Status")).contains("MISS");
        assertThat(second.headers().firstValue("X-Cache-Status")).contains("HIT");
        assertThat(Arrays.equals(first.body(), file)).as("first download byte-identical").isTrue();
        assertThat(Arrays.equals(second.body(), file))
            .as("second download byte-identical")
            .isTrue();
        assertThat(blobs.lookups.get() - before).as("downloads that reached a node").isEqualTo(1);
      }
    }
  }

  private static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * A download link as docs/attachments.md describes it, signed with the key the nodes derive from
   * {@link #SIGNING_KEY}.
   */
  private static String signedLink(String sha, String name, String type, long exp)
      throws Exception {
    String encodedName = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    String encodedType = URLEncoder.encode(type, StandardCharsets.UTF_8).replace("+", "%20");
    byte[] linkKey = hmac(SIGNING_KEY, "parley download link".getBytes(StandardCharsets.UTF_8));
    byte[] sig =
        hmac(
            linkKey,
            (sha + "|" + encodedName + "|" + encodedType + "|" + exp)
                .getBytes(StandardCharsets.UTF_8));
    return "/chat/files/"
        + sha
        + "?name="
        + encodedName
        + "&type="
        + encodedType
        + "&exp="
        + exp
        + "&sig="
        + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static HttpResponse<byte[]> download(HttpClient http, URI uri, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A node with attachments on, over the shared blob store and signing key. */
  private ChatServer attachmentNode(String id, BlobStore blobs) throws IOException {
    ChatServer node =
        ChatServer.builder()
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .serverId(id)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .messageStore(store)
            .clusterBus(new InProcessClusterBus(network))
            .attachments(
                AttachmentOptions.builder(blobs)
                    .signingKey(SIGNING_KEY)
                    .stagingDirectory(scratch.resolve("staging-" + id))
                    .build())
            .build()
            .start();
    nodes.add(node);
    return node;
  }

  /** A blob store that counts the lookups a download makes at a node. Thread-safe. */
  private static final class CountingBlobStore implements BlobStore {
    private final BlobStore delegate;
    final AtomicInteger lookups = new AtomicInteger();

    CountingBlobStore(BlobStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public BlobInfo put(InputStream content, long maxBytes) throws IOException {
      return delegate.put(content, maxBytes);
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) throws IOException {
      lookups.incrementAndGet();
      return delegate.stat(id);
    }

    @Override
    public InputStream open(BlobId id, long offset, long length) throws IOException {
      return delegate.open(id, offset, length);
    }

    @Override
    public boolean delete(BlobId id) throws IOException {
      return delegate.delete(id);
    }

    @Override
    public void forEach(Consumer<BlobInfo> each) throws IOException {
      delegate.forEach(each);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }

  /** nginx on {@code port} in front of {@code nodes}, with the shipped configuration. */
  private void startNginx(int port, List<ChatServer> nodes) throws Exception {
    prefix = nginxPrefix(port, nodes);
    String checked = run(nginxCommand("-t"));
    assertThat(checked).contains("syntax is ok").contains("test is successful");
    proxy =
        new ProcessBuilder(nginxCommand("-g", "daemon off;"))
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("nginx.out").toFile())
            .start();
    awaitListening(port);
  }

  private static void post(HttpClient http, URI session, String key, int postSeq, String body)
      throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(session)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Parley-Session-Key", key)
                .header("Parley-Post-Seq", String.valueOf(postSeq))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as("POST %d: %s", postSeq, answer.body()).isEqualTo(204);
  }

  /** The value of a string field of a small flat JSON object. */
  private static String jsonString(String json, String field) {
    Matcher value = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    assertThat(value.find()).as("%s in %s", field, json).isTrue();
    return value.group(1);
  }

  /**
   * Reads an event stream on its own thread and hands over each event as it completes, so a test
   * can wait for one event while the stream stays open. Thread-safe.
   */
  private static final class EventReader implements Runnable {
    private final InputStream in;
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();

    /** Counted down when the stream has ended. */
    final CountDownLatch ended = new CountDownLatch(1);

    EventReader(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      try (BufferedReader lines =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String type = "message";
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.isEmpty()) {
            if (data.length() > 0) {
              events.add(new String[] {type, data.toString()});
            }
            type = "message";
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            type = line.substring("event:".length()).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring("data:".length()).trim());
          }
        }
      } catch (IOException e) {
        // the stream was closed
      } finally {
        ended.countDown();
      }
    }

    /** The data of the events of {@code type} not yet taken, taking them all. */
    List<String> eventsOf(String type) {
      List<String> data = new ArrayList<>();
      for (String[] event = events.poll(); event != null; event = events.poll()) {
        if (event[0].equals(type)) {
          data.add(event[1]);
        }
      }
      return data;
    }

    /** The data of the next event of type "message". */
    String next() throws InterruptedException {
      return nextEvent("message");
    }

    /** The data of the next "message" event containing {@code text}, skipping others. */
    String nextContaining(String text) throws InterruptedException {
      while (true) {
        String data = next();
        if (data.contains(text)) {
          return data;
        }
      }
    }

    /** The data of the next event of {@code type}, skipping others. */
    String nextEvent(String type) throws InterruptedException {
      while (true) {
        String[] event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (event == null) {
          fail("no " + type + " event within " + WAIT.toSeconds() + " s");
        }
        if (event[0].equals(type)) {
          return event[1];
        }
      }
    }
  }

  private ChatServer node(String id) throws IOException {
    ChatServer node =
        ClusterNode.start("127.0.0.1", 0, 0, id, store, new InProcessClusterBus(network));
    nodes.add(node);
    return node;
  }

  /**
   * A folder with the shipped {@code nginx.conf}, listening on {@code port}, and the shipped local
   * {@code upstreams.conf} with its first nodes' ports replaced by those of {@code nodes} and the
   * rest left out.
   */
  private static Path nginxPrefix(int port, List<ChatServer> nodes) throws IOException {
    Path folder = Files.createTempDirectory("parley-nginx");
    // nginx may run as nobody (see nginxCommand): let it write its pid and temporary files.
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
    String conf = Files.readString(ComposeFileTest.file("nginx.conf"));
    assertThat(conf).contains("listen 7450;");
    Files.writeString(
        folder.resolve("nginx.conf"),
        conf.replace("listen 7450;", "listen 127.0.0.1:" + port + ";")
            .replace("worker_processes auto;", "worker_processes 1;"));

    Path shipped = ComposeFileTest.file("upstreams.conf");
    Map<String, List<String>> upstreams = ComposeFileTest.upstreams(shipped);
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(shipped)) {
      String replaced = line;
      for (String upstream : List.of("parley_chat", "parley_http")) {
        List<String> servers = upstreams.get(upstream);
        for (int i = 0; i < servers.size(); i++) {
          if (line.contains("server " + servers.get(i) + " ")) {
            replaced =
                i < nodes.size()
                    ? line.replace(servers.get(i), address(nodes.get(i), upstream))
                    : null;
          }
        }
      }
      if (replaced != null) {
        lines.add(replaced);
      }
    }
    Files.write(folder.resolve("upstreams.conf"), lines);
    assertThat(ComposeFileTest.upstreams(folder.resolve("upstreams.conf")).get("parley_chat"))
        .hasSize(nodes.size());
    return folder;
  }

  private static String address(ChatServer node, String upstream) {
    int port =
        upstream.equals("parley_chat")
            ? node.address().getPort()
            : node.httpUri().orElseThrow().getPort();
    return "127.0.0.1:" + port;
  }

  /**
   * nginx with the test folder as its prefix and configuration. Run as root, the command drops to
   * user nobody first, so the configuration is shown to work without root.
   */
  private List<String> nginxCommand(String... options) {
    List<String> command = new ArrayList<>();
    Optional<Path> setpriv = executable("PARLEY_SETPRIV", "setpriv");
    if ("root".equals(System.getProperty("user.name")) && setpriv.isPresent()) {
      command.addAll(
          List.of(
              setpriv.get().toString(),
              "--reuid=" + NOBODY,
              "--regid=" + NOBODY,
              "--clear-groups"));
    }
    command.addAll(
        List.of(
            nginx.toString(),
            "-p",
            prefix + "/",
            "-c",
            prefix.resolve("nginx.conf").toString(),
            "-e",
            "stderr"));
    command.addAll(List.of(options));
    return command;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s printed:%n%s", command, output).isZero();
    return output;
  }

  private void awaitListening(int port) throws Exception {
    await(
        () -> {
          if (!proxy.isAlive()) {
            return true;
          }
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
          } catch (IOException e) {
            return false;
          }
        },
        "nginx to listen on " + port);
    assertThat(proxy.isAlive())
        .as("nginx exited; it printed:%n%s", Files.readString(prefix.resolve("nginx.out")))
        .isTrue();
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    return response;
  }

  private static void awaitAll(List<CompletableFuture<SendReceipt>> sends) throws Exception {
    for (CompletableFuture<SendReceipt> send : sends) {
      send.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("waited " + WAIT.toSeconds() + " s for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static Optional<Path> executable(String override, String name) {
    String given = System.getenv(override);
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given)).filter(Files::isExecutable);
    }
    List<String> folders = new ArrayList<>(List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin"));
    String path = System.getenv("PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(File.pathSeparator)));
    }
    return folders.stream()
        .map(folder -> Path.of(folder, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** A room member's deliveries, and anything that would mean a loss. Thread-safe. */
  static final class Member implements ChatListener {
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<Object> trouble = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      seqs.add(event.message().seq());
    }

    @Override
    public void onHistoryGap(ChatSession session, HistoryGapEvent event) {
      trouble.add(event);
    }

    @Override
    public void onError(ChatSession session, ErrorEvent event) {
      trouble.add(event);
    }

    /** The seqs delivered, once at least {@code count} have been, or after the wait. */
    List<Long> await(int count) throws InterruptedException {
      NginxConfigIT.await(() -> seqs.size() >= count, count + " deliveries");
      return List.copyOf(seqs);
    }
  }
}
