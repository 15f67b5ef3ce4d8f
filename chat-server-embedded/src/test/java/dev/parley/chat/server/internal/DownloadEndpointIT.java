package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download endpoint over real HTTP on loopback (the JDK's HTTP server, as on the server's HTTP
 * side), with a real file-system blob store: signatures, expiry, caching headers, conditional and
 * ranged requests, a blob gone, the blob store down, and a client that stops reading.
 */
class DownloadEndpointIT {
  private static final byte[] KEY = new byte[32];
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path root;

  private final Engine.ManualClock clock = new Engine.ManualClock();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private SwitchableStore store;
  private BlobAccess blobs;
  private DownloadEndpoint endpoint;
  private HttpServer server;
  private SignedAttachmentLinks links;
  private URI base;

  @BeforeEach
  void start() throws IOException {
    store = new SwitchableStore(FileSystemBlobStore.open(root, clock));
    BreakerSettings breakers =
        new BreakerSettings(
            Duration.ofSeconds(10),
            50,
            2,
            Duration.ofSeconds(30),
            100,
            Duration.ofMillis(10),
            Duration.ofSeconds(1));
    blobs = new BlobAccess(store, 2, new DependencyBreaker("blobs", breakers, clock, timer));
    startEndpoint(DownloadEndpoint.STALL_PERIOD);
    links = new SignedAttachmentLinks(KEY, "/chat/files/", null, HOUR, HOUR, clock, room -> null);
  }

  private void startEndpoint(Duration stallPeriod) throws IOException {
    startEndpoint(stallPeriod, DownloadEndpoint.THREADS, DownloadEndpoint.QUEUE);
  }

  private void startEndpoint(Duration stallPeriod, int threads, int queue) throws IOException {
    endpoint =
        new DownloadEndpoint(
            "/chat/files/", KEY, blobs, clock, timer, stallPeriod, false, threads, queue);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/chat/files/", endpoint);
    server.setExecutor(Executors.newFixedThreadPool(2, HttpSide.threads("test-http-")));
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() throws IOException {
    server.stop(0);
    endpoint.stop();
    blobs.close();
    store.close();
    timer.shutdownNow();
  }

  private BlobInfo put(byte[] bytes) throws IOException {
    return store.put(new ByteArrayInputStream(bytes), bytes.length);
  }

  private URI link(BlobInfo blob, String name, String type) {
    return base.resolve(links.link(blob.id().sha256(), name, type, links.expiry(HOUR)));
  }

  private HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
    return send(HttpRequest.newBuilder(uri).GET(), headers);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, String... headers)
      throws Exception {
    request.timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static void assertError(
      HttpResponse<byte[]> response, int status, String code, boolean retryable) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(header(response, "Parley-Error")).isEqualTo(code);
    assertThat(header(response, "Content-Type")).isEqualTo("application/json");
    assertThat(header(response, "Cache-Control")).isEqualTo("no-store");
    assertThat(header(response, "ETag")).isNull();
    assertThat(new String(response.body()))
        .startsWith("{\"error\":\"" + code + "\",\"message\":\"")
        .endsWith(",\"retryable\":" + retryable + "}");
  }

  @Test
  void aSignedLinkDownloadsTheBytesWithHeadersForCaches() throws Exception {
    byte[] bytes = random(300_000, 1);
    BlobInfo blob = put(bytes);
    clock.advance(Duration.ofMinutes(20)); // 00:20; the link expires at 02:00
    HttpResponse<byte[]> response = get(link(blob, "holiday.png", "image/png"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Arrays.equals(response.body(), bytes)).as("the bytes stored").isTrue();
    assertThat(header(response, "ETag")).isEqualTo("\"" + blob.id().sha256() + "\"");
    assertThat(header(response, "Accept-Ranges")).isEqualTo("bytes");
    assertThat(header(response, "Content-Type")).isEqualTo("image/png");
    assertThat(header(response, "Content-Length")).isEqualTo("300000");
    assertThat(header(response, "Content-Disposition"))
        .isEqualTo("inline; filename=\"holiday.png\"; filename*=UTF-8''holiday.png");
    assertThat(header(response, "Cache-Control"))
        .isEqualTo("public, max-age=" + (100 * 60) + ", immutable");
    assertThat(header(response, "Content-Security-Policy")).startsWith("sandbox;");
    assertThat(header(response, "X-Content-Type-Options")).isEqualTo("nosniff");

    HttpResponse<byte[]> head =
        send(
            HttpRequest.newBuilder(link(blob, "holiday.png", "image/png"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(header(head, "Content-Length")).isEqualTo("300000");
    assertThat(header(head, "ETag")).isEqualTo(header(response, "ETag"));
  }

  @Test
  void otherFilesAreDownloadsNamedInUtf8() throws Exception {
    BlobInfo blob = put("%PDF-1.7 a report".getBytes());
    HttpResponse<byte[]> response =
        get(link(blob, "Bericht März \"final\".pdf", "application/pdf"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Type")).isEqualTo("application/pdf");
    assertThat(header(response, "Content-Disposition"))
        .isEqualTo(
            "attachment; filename=\"Bericht M_rz _final_.pdf\";"
                + " filename*=UTF-8''Bericht%20M%C3%A4rz%20%22final%22.pdf");
    BlobInfo svg = put("<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes());
    assertThat(header(get(link(svg, "a.svg", "image/svg+xml")), "Content-Disposition"))
        .as("SVG is code: never inline")
        .startsWith("attachment;");
  }

  @Test
  void aThumbnailsTypeComesFromItsFirstBytes() throws Exception {
    byte[] png = new byte[100];
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a}, 0, png, 0, 8);
    byte[] jpeg = new byte[100];
    jpeg[0] = (byte) 0xff;
    jpeg[1] = (byte) 0xd8;
    jpeg[2] = (byte) 0xff;
    jpeg[3] = 1;
    HttpResponse<byte[]> p = get(link(put(png), "a.png", ""));
    assertThat(header(p, "Content-Type")).isEqualTo("image/png");
    assertThat(header(p, "Content-Disposition")).startsWith("inline;");
    assertThat(header(get(link(put(jpeg), "a.png", "")), "Content-Type")).isEqualTo("image/jpeg");
    assertThat(header(get(link(put("<html>".getBytes()), "a.png", "")), "Content-Type"))
        .isEqualTo("application/octet-stream");
  }

  @Test
  void ifNoneMatchIsAnsweredNotModifiedWithoutTheBlobStore() throws Exception {
    BlobInfo blob = put(random(1000, 2));
    URI uri = link(blob, "a.bin", "application/octet-stream");
    String etag = header(get(uri), "ETag");
    store.down = true;
    int calls = store.calls;
    HttpResponse<byte[]> response = get(uri, "If-None-Match", "\"other\", " + etag);
    assertThat(response.statusCode()).isEqualTo(304);
    assertThat(response.body()).isEmpty();
    assertThat(header(response, "ETag")).isEqualTo(etag);
    assertThat(header(response, "Cache-Control")).startsWith("public, max-age=");
    assertThat(store.calls).as("304 asks the store nothing").isEqualTo(calls);
    assertThat(get(uri, "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
    assertThat(get(uri, "If-None-Match", "*").statusCode()).isEqualTo(304);
  }

  @Test
  void oneRangeIsAnsweredPartiallyOthersGetTheWholeFile() throws Exception {
    byte[] bytes = random(10_000, 3);
    BlobInfo blob = put(bytes);
    URI uri = link(blob, "a.bin", "application/octet-stream");

    HttpResponse<byte[]> middle = get(uri, "Range", "bytes=100-199");
    assertThat(middle.statusCode()).isEqualTo(206);
    assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
    assertThat(header(middle, "Content-Range")).isEqualTo("bytes 100-199/10000");
    assertThat(header(middle, "Content-Length")).isEqualTo("100");

    HttpResponse<byte[]> tail = get(uri, "Range", "bytes=-10");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, 9990, 10_000));
    assertThat(header(tail, "Content-Range")).isEqualTo("bytes 9990-9999/10000");

    HttpResponse<byte[]> open = get(uri, "Range", "bytes=9000-");
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(bytes, 9000, 10_000));
    HttpResponse<byte[]> past = get(uri, "Range", "bytes=9000-20000");
    assertThat(header(past, "Content-Range")).isEqualTo("bytes 9000-9999/10000");

    HttpResponse<byte[]> outside = get(uri, "Range", "bytes=10000-");
    assertError(outside, 416, "RANGE_NOT_SATISFIABLE", false);
    assertThat(header(outside, "Content-Range")).isEqualTo("bytes */10000");

    for (String ignored : new String[] {"bytes=0-1,5-6", "bytes=abc", "items=0-1", "bytes=5-1"}) {
      HttpResponse<byte[]> whole = get(uri, "Range", ignored);
      assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
      assertThat(whole.body()).as(ignored).isEqualTo(bytes);
    }
    HttpResponse<byte[]> stale =
        get(uri, "Range", "bytes=0-9", "If-Range", "\"" + "0".repeat(64) + "\"");
    assertThat(stale.statusCode()).as("If-Range of another version").isEqualTo(200);
    HttpResponse<byte[]> same = get(uri, "Range", "bytes=0-9", "If-Range", header(middle, "ETag"));
    assertThat(same.statusCode()).isEqualTo(206);
  }

  @Test
  void aForgedLinkIsForbiddenAndAnExpiredOneSaysSo() throws Exception {
    BlobInfo blob = put(random(100, 4));
    URI good = link(blob, "a.txt", "text/plain");
    String raw = good.toString();
    assertError(
        get(URI.create(raw.replace("type=text%2Fplain", "type=text%2Fhtml"))),
        403,
        "FORBIDDEN",
        false);
    assertError(get(URI.create(raw.replace("name=a.txt", "name=b.txt"))), 403, "FORBIDDEN", false);
    assertError(get(URI.create(raw.substring(0, raw.indexOf("&sig=")))), 403, "FORBIDDEN", false);
    String other = put(random(100, 5)).id().sha256();
    assertError(get(URI.create(raw.replace(blob.id().sha256(), other))), 403, "FORBIDDEN", false);
    assertThat(get(good).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofHours(2)); // past the window's end
    assertError(get(good), 403, "LINK_EXPIRED", false);
    assertError(
        get(good, "If-None-Match", "\"" + blob.id().sha256() + "\""), 403, "LINK_EXPIRED", false);
  }

  @Test
  void badPathsAndMethodsAreRefused() throws Exception {
    BlobInfo blob = put(random(100, 6));
    URI good = link(blob, "a.txt", "text/plain");
    assertError(
        get(base.resolve("/chat/files/not-a-hash?" + good.getRawQuery())), 404, "NOT_FOUND", false);
    assertError(
        get(base.resolve("/chat/files/" + blob.id().sha256() + "/x?" + good.getRawQuery())),
        404,
        "NOT_FOUND",
        false);
    HttpResponse<byte[]> post =
        send(HttpRequest.newBuilder(good).POST(HttpRequest.BodyPublishers.ofString("x")));
    assertError(post, 405, "METHOD_NOT_ALLOWED", false);
    assertThat(header(post, "Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void aBlobNoLongerStoredIsNotFound() throws Exception {
    BlobInfo blob = put(random(100, 7));
    URI uri = link(blob, "a.bin", "application/octet-stream");
    store.delete(blob.id());
    assertError(get(uri), 404, "NOT_FOUND", false);
    assertThat(blobs.available()).as("a missing blob is no failure of the store").isTrue();
  }

  @Test
  void whileTheBlobStoreIsDownDownloadsFailFastAndRetryable() throws Exception {
    BlobInfo blob = put(random(100, 8));
    URI uri = link(blob, "a.bin", "application/octet-stream");
    store.down = true;
    assertError(get(uri), 503, "ATTACHMENTS_UNAVAILABLE", true);
    assertError(get(uri), 503, "ATTACHMENTS_UNAVAILABLE", true);
    assertThat(blobs.available()).as("two failures of two open the breaker").isFalse();
    int calls = store.calls;
    HttpResponse<byte[]> refused = get(uri);
    assertError(refused, 503, "ATTACHMENTS_UNAVAILABLE", true);
    assertThat(store.calls).as("refused without asking the store").isEqualTo(calls);
    assertThat(Long.parseLong(header(refused, "Retry-After"))).isBetween(1L, 30L);
  }

  @Test
  void aClientThatStopsReadingIsCutAndFreesItsThread() throws Exception {
    server.stop(0);
    endpoint.stop();
    startEndpoint(Duration.ofMillis(100));
    BlobInfo big = put(random(32 * 1024 * 1024, 9));
    HttpResponse<InputStream> stalled =
        http.send(
            HttpRequest.newBuilder(link(big, "big.bin", "application/octet-stream")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stalled.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.activeTransfers() == 0);
    stalled.body().close();
    BlobInfo small = put(random(1000, 10));
    assertThat(get(link(small, "s.bin", "application/octet-stream")).statusCode()).isEqualTo(200);
  }

  @Test
  void whenEveryThreadIsBusyAndTheQueueFullADownloadIsRefusedAtOnce() throws Exception {
    server.stop(0);
    endpoint.stop();
    startEndpoint(DownloadEndpoint.STALL_PERIOD, 1, 1);
    BlobInfo blob = put(random(100, 11));
    URI uri = link(blob, "a.bin", "application/octet-stream");
    store.hold = new CountDownLatch(1);
    try {
      var busy =
          http.sendAsync(
              HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      await().atMost(Duration.ofSeconds(20)).until(() -> store.held.get() == 1);
      var waiting =
          http.sendAsync(
              HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      await().atMost(Duration.ofSeconds(20)).until(() -> endpoint.queued() == 1);

      HttpResponse<byte[]> refused = get(uri);
      assertError(refused, 503, "ATTACHMENTS_UNAVAILABLE", true);
      assertThat(header(refused, "Retry-After")).isEqualTo("1");

      store.hold.countDown();
      assertThat(busy.get().statusCode()).isEqualTo(200);
      assertThat(waiting.get().statusCode()).isEqualTo(200);
    } finally {
      store.hold.countDown();
    }
  }

  /** A store that can be switched to fail every call with an IOException, counting calls. */
  private static final class SwitchableStore implements BlobStore {
    private final BlobStore delegate;
    volatile boolean down;
    volatile int calls;
    volatile CountDownLatch hold; // stat waits for it when set
    final AtomicInteger held = new AtomicInteger();

    SwitchableStore(BlobStore delegate) {
      this.delegate = delegate;
    }

    private void call() throws IOException {
      calls++;
      if (down) {
        throw new IOException("the blob store is down (on purpose)");
      }
    }

    @Override
    public BlobInfo put(InputStream content, long maxBytes) throws IOException {
      return delegate.put(content, maxBytes);
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) throws IOException {
      call();
      CountDownLatch latch = hold;
      if (latch != null && latch.getCount() > 0) {
        held.incrementAndGet();
        try {
          latch.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
      return delegate.stat(id);
    }

    @Override
    public InputStream open(BlobId id, long offset, long length) throws IOException {
      call();
      return delegate.open(id, offset, length);
    }

    @Override
    public boolean delete(BlobId id) throws IOException {
      return delegate.delete(id);
    }

    @Override
    public void forEach(Consumer<BlobInfo> each) throws IOException {
      call();
      delegate.forEach(each);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
