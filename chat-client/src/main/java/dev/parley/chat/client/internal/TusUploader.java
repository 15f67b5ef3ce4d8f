package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.client.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's uploads: runs each {@link TusUpload} on one of up to {@value #UPLOAD_THREADS} daemon
 * threads {@code parley-upload-N} (created on the first upload, exiting when idle), with at most
 * {@value #MAX_WAITING} uploads waiting for a thread (beyond that an upload fails at once with
 * {@code LIMIT_EXCEEDED}). One JDK {@link HttpClient} (HTTP/1.1, TLS 1.3 and 1.2 with the client's
 * SSL context) serves them all, on its own pool of daemon threads {@code parley-upload-io-N} (also
 * exiting when idle) rather than the JDK's default one, so that a close can wait for them to end.
 * Futures complete on the client's callback executor.
 *
 * <p>{@link #close()} interrupts the uploads under way (they fail with {@code NOT_CONNECTED}),
 * fails the waiting ones and stops the HTTP client; it returns once the upload and I/O threads have
 * ended (or after 2 s each, with a warning). Thread-safe.
 */
public final class TusUploader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TusUploader.class);
  static final int UPLOAD_THREADS = 4;
  static final int MAX_WAITING = 1_000;
  private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(2);

  private final URI uploads; // null: no HTTP endpoint configured
  private final int chunkBytes;
  private final Duration requestTimeout;
  private final SSLContext sslContext;
  private final Backoff backoff;
  private final Executor callbacks;
  private final DaemonThreadFactory threads = new DaemonThreadFactory("parley-upload", true);
  private final DaemonThreadFactory ioThreads = new DaemonThreadFactory("parley-upload-io", true);
  private final Object lock = new Object();
  private ThreadPoolExecutor executor;
  private HttpClient http;
  private ThreadPoolExecutor io; // the HTTP client's
  private boolean closed;

  TusUploader(
      URI httpEndpoint,
      int chunkBytes,
      Duration requestTimeout,
      SSLContext sslContext,
      Backoff backoff,
      Executor callbacks) {
    this.uploads = httpEndpoint == null ? null : uploadsOf(httpEndpoint);
    this.chunkBytes = chunkBytes;
    this.requestTimeout = requestTimeout;
    this.sslContext = sslContext;
    this.backoff = backoff;
    this.callbacks = callbacks;
  }

  /** {@code <httpEndpoint>/uploads}. */
  static URI uploadsOf(URI httpEndpoint) {
    String base = httpEndpoint.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/uploads");
  }

  /** Uploads a file under its own name. */
  CompletableFuture<UploadedFile> upload(String token, Path file) {
    Objects.requireNonNull(file, "file");
    Path fileName = file.getFileName();
    String name = fileName == null ? file.toString() : fileName.toString();
    return start(
        token,
        name,
        () -> {
          if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file: " + file);
          }
          return UploadSource.of(file);
        },
        () -> Files.size(file));
  }

  /** Uploads {@code length} bytes from {@code in} under {@code name}; closes {@code in}. */
  CompletableFuture<UploadedFile> upload(String token, InputStream in, String name, long length) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an upload needs a file name; it was blank");
    }
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, was " + length);
    }
    return start(token, name, () -> UploadSource.of(in), () -> length);
  }

  /** An upload in the pool's queue; failed if the client closes before it starts. */
  private record Waiting(CompletableFuture<UploadedFile> result, Runnable body)
      implements Runnable {
    @Override
    public void run() {
      body.run();
    }
  }

  private interface Opener {
    UploadSource open() throws IOException;
  }

  private interface Length {
    long get() throws IOException;
  }

  private CompletableFuture<UploadedFile> start(
      String token, String name, Opener opener, Length length) {
    if (uploads == null) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.INVALID_ARGUMENT,
              "no HTTP endpoint for uploads: set ChatClientBuilder.httpEndpoint(...) (such as"
                  + " http://host:7451/chat), or an SSE endpoint or fallback"));
    }
    if (token == null) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.NOT_CONNECTED,
              "the session has no credentials the server accepted yet; upload once connected"));
    }
    CompletableFuture<UploadedFile> result = new CompletableFuture<>();
    ThreadPoolExecutor pool;
    HttpClient client;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new ChatException(ErrorCode.NOT_CONNECTED, "the client is closed"));
      }
      if (executor == null) {
        executor =
            new ThreadPoolExecutor(
                UPLOAD_THREADS,
                UPLOAD_THREADS,
                ClientExecutors.IDLE_SECONDS,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_WAITING),
                threads);
        executor.allowCoreThreadTimeOut(true);
        io = ClientExecutors.transportIo(ioThreads);
        http = newHttpClient(io, sslContext);
      }
      pool = executor;
      client = http;
    }
    try {
      pool.execute(new Waiting(result, () -> run(client, token, name, opener, length, result)));
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new ChatException(
              ErrorCode.LIMIT_EXCEEDED,
              closedNow() ? "the client is closed" : MAX_WAITING + " uploads are waiting already"));
    }
    return result;
  }

  private void run(
      HttpClient client,
      String token,
      String name,
      Opener opener,
      Length length,
      CompletableFuture<UploadedFile> result) {
    if (result.isDone()) {
      return;
    }
    UploadSource source;
    long size;
    try {
      size = length.get();
      source = opener.open();
    } catch (IOException | RuntimeException e) {
      finish(
          result,
          null,
          new ChatException(
              ErrorCode.INVALID_ARGUMENT, "cannot read '" + name + "': " + e.getMessage(), e));
      return;
    }
    try (source) {
      TusUpload upload =
          new TusUpload(
              client,
              uploads,
              token,
              source,
              name,
              size,
              chunkBytes,
              requestTimeout,
              backoff,
              result);
      UploadedFile file = upload.run();
      log.debug("uploaded '{}' ({} bytes) as {}", name, size, file.attachment().id());
      finish(result, file, null);
    } catch (TusUpload.Stopped e) {
      log.debug("upload of '{}' stopped: its future was completed", name);
    } catch (InterruptedException e) {
      finish(
          result,
          null,
          new ChatException(
              ErrorCode.NOT_CONNECTED, "the client closed during the upload of '" + name + "'"));
    } catch (ChatException e) {
      log.info("upload of '{}' failed: {}", name, e.getMessage());
      finish(result, null, e);
    } catch (RuntimeException e) {
      log.warn("upload of '{}' failed unexpectedly", name, e);
      finish(result, null, new ChatException(ErrorCode.INTERNAL, e.toString(), e));
    }
  }

  /** Completes on the callback executor; directly if that no longer takes tasks. */
  private void finish(
      CompletableFuture<UploadedFile> result, UploadedFile file, ChatException failure) {
    Runnable complete =
        () -> {
          if (failure == null) {
            result.complete(file);
          } else {
            result.completeExceptionally(failure);
          }
        };
    try {
      callbacks.execute(complete);
    } catch (RejectedExecutionException e) {
      complete.run();
    }
  }

  private boolean closedNow() {
    synchronized (lock) {
      return closed;
    }
  }

  private static HttpClient newHttpClient(Executor io, SSLContext tls) {
    SSLParameters parameters = new SSLParameters();
    parameters.setProtocols(TLS_PROTOCOLS.clone());
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .executor(io)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      builder.sslContext(tls);
    }
    return builder.sslParameters(parameters).build();
  }

  @Override
  public void close() {
    ThreadPoolExecutor pool;
    HttpClient client;
    ThreadPoolExecutor clientIo;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      pool = executor;
      client = http;
      clientIo = io;
    }
    if (pool == null) {
      return;
    }
    for (Runnable waiting : pool.shutdownNow()) {
      finish(
          ((Waiting) waiting).result(),
          null,
          new ChatException(ErrorCode.NOT_CONNECTED, "the client closed before the upload began"));
    }
    threads.awaitEnded(pool, SHUTDOWN_WAIT, "upload");
    JdkClientTransportProvider.stop(client);
    clientIo.shutdown();
    ioThreads.awaitEnded(clientIo, SHUTDOWN_WAIT, "upload I/O");
  }
}
