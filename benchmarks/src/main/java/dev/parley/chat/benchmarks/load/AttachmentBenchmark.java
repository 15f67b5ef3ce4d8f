package dev.parley.chat.benchmarks.load;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Attachment throughput on this machine: a file uploaded to Parley over tus (in 1 MiB chunks, as
 * the Java client and the web page send it, and in one request) and downloaded from the signed link
 * a member gets, each against a plain file copy of the same size made in the same run. The server
 * runs in this JVM with the default file-system blob store on the same disk as the copy, so client,
 * server and disk share the machine; every figure is MiB per second of file content, and each row's
 * ratio is against the copy. Each repetition uses new random bytes (the store would otherwise find
 * the content stored already). Not thread-safe; run once.
 */
final class AttachmentBenchmark {
  private static final int MIB = 1 << 20;
  private static final String COPY = "plain file copy (with fsync)";
  private static final String UPLOAD_CHUNKED = "upload, tus in 1 MiB chunks";
  private static final String UPLOAD_WHOLE = "upload, tus in one request";
  private static final String DOWNLOAD = "download from the signed link";
  private static final String BARE_UPLOAD = "bare HTTP upload (JDK HttpServer to a file, fsync)";
  private static final String BARE_DOWNLOAD = "bare HTTP download (JDK HttpServer from a file)";
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final boolean longMode;
  private final PrintStream out;
  private final Map<String, List<Double>> figures = new LinkedHashMap<>();

  AttachmentBenchmark(boolean longMode, PrintStream out) {
    this.longMode = longMode;
    this.out = out;
  }

  void run() throws Exception {
    int sizeMib = longMode ? 256 : 64;
    int repetitions = longMode ? 5 : 3;
    Path work = Files.createTempDirectory("parley-attachment-bench");
    try (FileSystemBlobStore store = FileSystemBlobStore.open(work.resolve("blobs"));
        ChatServer server =
            ChatServer.builder()
                .port(0)
                .httpPort(0)
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .attachments(
                    AttachmentOptions.builder(store)
                        .stagingDirectory(work.resolve("staging"))
                        .maxFileBytes(2L * sizeMib * MIB)
                        .userQuota(1L << 40, 10_000, Duration.ofDays(1))
                        .build())
                .build()
                .start();
        ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      URI http = server.httpUri().orElseThrow();
      BareFileServer bare = new BareFileServer(work.resolve("bare"));
      HttpClient httpClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Links links = new Links();
      ChatSession session = client.connect("bench", links).get(10, TimeUnit.SECONDS);
      RoomHandle room = session.join(RoomId.of("bench")).get(10, TimeUnit.SECONDS);
      out.printf(
          "Parley attachment benchmark (%s mode): %d MiB files, %d repetitions, %d cores, Java %s%n",
          longMode ? "long" : "short",
          sizeMib,
          repetitions,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      long seed = 1;
      for (int r = 0; r < repetitions; r++) {
        Path source = work.resolve("source-" + r);
        writeRandom(source, (long) sizeMib * MIB, seed++);
        String sha = sha256(source);
        Path copied = work.resolve("copy-" + r);
        record(COPY, sizeMib, timed(() -> copy(source, copied)));
        Files.delete(copied);

        String[] token = new String[1];
        record(
            UPLOAD_CHUNKED, sizeMib, timed(() -> token[0] = upload(httpClient, http, source, MIB)));
        Path second = work.resolve("source-" + r + "-b");
        writeRandom(second, (long) sizeMib * MIB, seed++);
        record(
            UPLOAD_WHOLE, sizeMib, timed(() -> upload(httpClient, http, second, Long.MAX_VALUE)));

        CompletableFuture<Attachment> delivered = links.next();
        room.send(OutgoingMessage.builder().attachment(token[0]).build())
            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Attachment attachment = delivered.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (!attachment.id().equals(sha)) {
          throw new IllegalStateException("the delivered attachment is not the uploaded file");
        }
        URI link = http.resolve(attachment.url());
        String[] downloaded = new String[1];
        record(DOWNLOAD, sizeMib, timed(() -> downloaded[0] = download(httpClient, link)));
        if (!downloaded[0].equals(sha)) {
          throw new IllegalStateException("the download is not byte-identical to the upload");
        }
        record(BARE_UPLOAD, sizeMib, timed(() -> bare.upload(httpClient, source)));
        record(BARE_DOWNLOAD, sizeMib, timed(() -> bare.download(httpClient)));
        Files.delete(source);
        Files.delete(second);
      }
      bare.close();
      print();
    } finally {
      deleteTree(work);
    }
  }

  /**
   * The floor under Parley's figures: the JDK's HTTP server (the one Parley's HTTP side runs on)
   * taking a body into a file and serving it back, with no authentication, checks or hashing.
   */
  private static final class BareFileServer implements AutoCloseable {
    private final com.sun.net.httpserver.HttpServer server;
    private final java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    private final Path file;

    BareFileServer(Path file) throws IOException {
      this.file = file;
      server =
          com.sun.net.httpserver.HttpServer.create(
              new java.net.InetSocketAddress("127.0.0.1", 0), 16);
      server.setExecutor(threads);
      server.createContext(
          "/file",
          exchange -> {
            try (exchange) {
              if ("PUT".equals(exchange.getRequestMethod())) {
                try (FileChannel channel =
                    FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                  exchange
                      .getRequestBody()
                      .transferTo(java.nio.channels.Channels.newOutputStream(channel));
                  channel.force(true);
                }
                exchange.sendResponseHeaders(204, -1);
              } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (OutputStream body = exchange.getResponseBody()) {
                  Files.copy(file, body);
                }
              }
            }
          });
      server.start();
    }

    private URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/file");
    }

    void upload(HttpClient http, Path source) throws IOException, InterruptedException {
      HttpResponse<Void> put =
          http.send(
              HttpRequest.newBuilder(uri()).PUT(HttpRequest.BodyPublishers.ofFile(source)).build(),
              HttpResponse.BodyHandlers.discarding());
      expect(put, 204, "bare upload");
    }

    void download(HttpClient http) throws IOException, InterruptedException {
      HttpResponse<InputStream> got =
          http.send(
              HttpRequest.newBuilder(uri()).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = got.body()) {
        digestOf(in);
      }
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }

  /** The attachments of the bench user's own deliveries, one future per send. */
  private static final class Links implements ChatListener {
    private volatile CompletableFuture<Attachment> next = new CompletableFuture<>();

    CompletableFuture<Attachment> next() {
      next = new CompletableFuture<>();
      return next;
    }

    @Override
    public void onMessage(ChatSession session, MessageEvent event) {
      ChatMessage m = event.message();
      if (!m.attachments().isEmpty()) {
        next.complete(m.attachments().get(0));
      }
    }
  }

  /** Uploads {@code file} with tus in PATCHes of at most {@code chunk} bytes; the token. */
  private static String upload(HttpClient http, URI base, Path file, long chunk)
      throws IOException, InterruptedException {
    long length = Files.size(file);
    HttpResponse<Void> created =
        http.send(
            HttpRequest.newBuilder(base.resolve("/chat/uploads"))
                .header("Authorization", "Bearer bench")
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length))
                .header(
                    "Upload-Metadata",
                    "filename "
                        + Base64.getEncoder()
                            .encodeToString(
                                file.getFileName().toString().getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    expect(created, 201, "create");
    URI upload = base.resolve(created.headers().firstValue("Location").orElseThrow());
    long offset = 0;
    String token = null;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      while (offset < length) {
        long n = Math.min(chunk, length - offset);
        long from = offset;
        HttpResponse<Void> patched =
            http.send(
                HttpRequest.newBuilder(upload)
                    .header("Authorization", "Bearer bench")
                    .header("Tus-Resumable", "1.0.0")
                    .header("Upload-Offset", Long.toString(offset))
                    .header("Content-Type", "application/offset+octet-stream")
                    .method(
                        "PATCH",
                        HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(
                                () -> rangeOf(channel, from, n)),
                            n))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        expect(patched, 204, "patch");
        offset = Long.parseLong(patched.headers().firstValue("Upload-Offset").orElseThrow());
        token = patched.headers().firstValue("Parley-Attachment-Token").orElse(token);
      }
    }
    if (token == null) {
      throw new IllegalStateException("the completed upload gave no token");
    }
    return token;
  }

  /** A stream over {@code length} bytes of {@code channel} from {@code offset}. */
  private static InputStream rangeOf(FileChannel channel, long offset, long length) {
    return new InputStream() {
      private long position = offset;
      private final long end = offset + length;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (position >= end) {
          return -1;
        }
        int n =
            channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
        if (n > 0) {
          position += n;
        }
        return n;
      }
    };
  }

  /** Downloads {@code link} and returns the SHA-256 of what came. */
  private static String download(HttpClient http, URI link)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            HttpRequest.newBuilder(link).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IllegalStateException("download answered " + response.statusCode());
    }
    try (InputStream in = response.body()) {
      return digestOf(in);
    }
  }

  /** Reads {@code in} to its end; the SHA-256 of what it held (both downloads pay for it). */
  private static String digestOf(InputStream in) throws IOException {
    MessageDigest digest = sha256Digest();
    byte[] buffer = new byte[256 * 1024];
    int n;
    while ((n = in.read(buffer)) > 0) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void expect(HttpResponse<?> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          what
              + " answered "
              + response.statusCode()
              + " "
              + response.headers().firstValue("Parley-Error").orElse(""));
    }
  }

  /** Copies as an application would store a file: a new file, written and forced to disk. */
  private static void copy(Path from, Path to) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel outChannel =
            FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      long size = in.size();
      long done = 0;
      while (done < size) {
        done += in.transferTo(done, size - done, outChannel);
      }
      outChannel.force(true);
    }
  }

  private static void writeRandom(Path file, long size, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] block = new byte[MIB];
    try (OutputStream o = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int k = 0; k < 8; k++) {
            block[i + k] = (byte) (v >>> (8 * k));
          }
        }
        o.write(block, 0, (int) Math.min(block.length, size - written));
      }
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return digestOf(in);
    }
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static long timed(Step step) throws Exception {
    long start = System.nanoTime();
    step.run();
    return System.nanoTime() - start;
  }

  private void record(String row, int sizeMib, long nanos) {
    double mibPerSecond = sizeMib / (nanos / 1e9);
    figures.computeIfAbsent(row, r -> new ArrayList<>()).add(mibPerSecond);
  }

  private void print() {
    double copy = median(figures.get(COPY));
    out.println();
    out.println("| | MiB/s (median) | every run | / plain copy | / bare HTTP |");
    out.println("|---|---|---|---|---|");
    for (var row : figures.entrySet()) {
      double m = median(row.getValue());
      String bare =
          row.getKey().startsWith("upload")
              ? String.format("%.2fx", m / median(figures.get(BARE_UPLOAD)))
              : row.getKey().startsWith("download")
                  ? String.format("%.2fx", m / median(figures.get(BARE_DOWNLOAD)))
                  : "";
      out.printf(
          "| %s | %.0f | %s | %.2fx | %s |%n",
          row.getKey(),
          m,
          row.getValue().stream().map(v -> String.format("%.0f", v)).toList(),
          m / copy,
          bare);
    }
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory; the operating system clears it
    }
  }
}
