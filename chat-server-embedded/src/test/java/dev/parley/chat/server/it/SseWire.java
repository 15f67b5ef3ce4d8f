package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A raw client of the SSE binding (docs/protocol.md, "Server-Sent Events") on the JDK's HttpClient,
 * for tests that check the wire: it sends what it is told and records what arrives. Not thread-safe
 * except {@link Events}, whose queue any thread may read.
 */
final class SseWire implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  /** One server-sent event: its id (0 when it had none), type and data. */
  record Event(long id, String type, String data) {
    JsonObject json() {
      return JsonParser.parseString(data).getAsJsonObject();
    }

    boolean has(String body) {
      return type.equals("message") && json().has(body);
    }
  }

  /** A stream being read on its own thread; events queue up until taken. */
  static final class Events implements AutoCloseable {
    final int status;
    final java.net.http.HttpHeaders headers;
    private final Stream<String> lines;
    final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final Thread reader;

    Events(HttpResponse<Stream<String>> response) {
      this(response.statusCode(), response.headers(), response.body());
    }

    Events(int status, java.net.http.HttpHeaders headers, Stream<String> lines) {
      this.status = status;
      this.headers = headers;
      this.lines = lines;
      this.reader = new Thread(this::read, "sse-wire-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      long id = 0;
      String type = "message";
      StringBuilder data = null;
      try (lines) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.isEmpty()) {
            if (data != null) {
              queue.add(new Event(id, type, data.toString()));
            }
            id = 0;
            type = "message";
            data = null;
          } else if (line.startsWith("id: ")) {
            id = Long.parseLong(line.substring(4));
          } else if (line.startsWith("event: ")) {
            type = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = data == null ? new StringBuilder() : data.append('\n');
            data.append(line.substring(6));
          }
        }
      } catch (RuntimeException e) {
        // the stream was cut
      } finally {
        ended.complete(null);
      }
    }

    /** The next event, failing the test if none comes in time. */
    Event next() throws InterruptedException {
      Event event = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(event).as("an event within " + WAIT).isNotNull();
      return event;
    }

    /** Events up to and including the first that matches; fails if it does not come. */
    List<Event> until(Predicate<Event> last) throws InterruptedException {
      List<Event> seen = new ArrayList<>();
      while (true) {
        Event event = next();
        seen.add(event);
        if (last.test(event)) {
          return seen;
        }
      }
    }

    @Override
    public void close() {
      reader.interrupt();
      lines.close();
    }
  }

  final HttpClient http;
  final URI endpoint;
  String session;
  String key;
  String ticket;
  long postSeq;

  private final java.util.concurrent.ExecutorService executor =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "sse-wire-http");
            thread.setDaemon(true);
            return thread;
          });

  SseWire(URI httpUri) {
    this.http = HttpClient.newBuilder().connectTimeout(WAIT).executor(executor).build();
    this.endpoint = httpUri.resolve("/chat/sse");
  }

  /** Opens a session, with {@code firstFrame} (JSON) as its first frame when not null. */
  HttpResponse<String> open(String firstFrame) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(WAIT);
    if (firstFrame == null) {
      request.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(firstFrame));
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 201) {
      JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
      session = body.get("session").getAsString();
      key = body.get("key").getAsString();
      ticket = body.get("ticket").getAsString();
    }
    return response;
  }

  /** Opens a session whose first frame is a Connect of {@code user}, and its stream. */
  Events connect(String user) throws IOException, InterruptedException {
    assertThat(open(connectFrame(user)).statusCode()).isEqualTo(201);
    Events events = streamWithTicket(ticket, -1);
    assertThat(events.status).isEqualTo(200);
    assertThat(events.next().has("welcome")).isTrue();
    return events;
  }

  static String connectFrame(String user) {
    return "{\"requestId\":\"1\",\"connect\":{\"protocolVersion\":1,\"token\":\""
        + user
        + "\",\"clientName\":\"sse-wire\"}}";
  }

  URI sessionUri() {
    return URI.create(endpoint + "/" + session);
  }

  Events streamWithTicket(String ticket, long lastEventId)
      throws IOException, InterruptedException {
    String query = "?ticket=" + ticket + (lastEventId >= 0 ? "&lastEventId=" + lastEventId : "");
    return stream(HttpRequest.newBuilder(URI.create(sessionUri() + query)));
  }

  Events streamWithKey(long lastEventId) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(sessionUri()).header("Parley-Session-Key", key);
    if (lastEventId >= 0) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    return stream(request);
  }

  /** The stream with {@code Accept-Encoding: gzip}, decoded as it arrives when it is gzipped. */
  Events streamGzipped() throws IOException, InterruptedException {
    HttpResponse<java.io.InputStream> response =
        http.send(
            HttpRequest.newBuilder(sessionUri())
                .header("Parley-Session-Key", key)
                .header("Accept", "text/event-stream")
                .header("Accept-Encoding", "gzip")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    java.io.InputStream body = response.body();
    if (response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
      // GZIPInputStream claims a byte is always available, which makes a reader block for a
      // whole buffer; say none is, so each line is read as soon as it is inflated
      body =
          new java.io.FilterInputStream(new java.util.zip.GZIPInputStream(body, 64)) {
            @Override
            public int available() {
              return 0;
            }
          };
    }
    return new Events(
        response.statusCode(),
        response.headers(),
        new java.io.BufferedReader(
                new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8))
            .lines());
  }

  private Events stream(HttpRequest.Builder request) throws IOException, InterruptedException {
    return new Events(
        http.send(
            request.header("Accept", "text/event-stream").GET().build(),
            HttpResponse.BodyHandlers.ofLines()));
  }

  /** POSTs {@code body} with the next sequence number. */
  HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return postWithSeq(++postSeq, body);
  }

  HttpResponse<String> postWithSeq(long seq, String body) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(sessionUri())
            .timeout(WAIT)
            .header("Parley-Session-Key", key)
            .header("Parley-Post-Seq", Long.toString(seq))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> newTicket() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(sessionUri() + "/ticket"))
                .timeout(WAIT)
                .header("Parley-Session-Key", key)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200) {
      ticket =
          JsonParser.parseString(response.body()).getAsJsonObject().get("ticket").getAsString();
    }
    return response;
  }

  HttpResponse<String> delete() throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(sessionUri())
            .timeout(WAIT)
            .header("Parley-Session-Key", key)
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
