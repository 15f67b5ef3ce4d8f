package dev.parley.chat.client.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small tus 1.0.0 server on a loopback socket, speaking the Parley upload endpoint's dialect
 * (Bearer credentials, {@code Parley-Error}, the final GET's JSON), with faults a test can plan:
 * cut a PATCH's connection after part of its body was stored, answer a status for the next
 * requests. For the client's tests only; the real endpoint's tests live with the server.
 */
final class TusStubServer implements AutoCloseable {
  static final String TOKEN = "secret-credentials";

  /** A planned answer for the next request of one method. */
  record Fault(String method, int status, String code, String retryAfter) {}

  final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
  final Map<String, Long> lengths = new ConcurrentHashMap<>();
  final Map<String, String> names = new ConcurrentHashMap<>();
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final List<Integer> patchSizes = Collections.synchronizedList(new ArrayList<>());
  final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  final Queue<Integer> cuts = new ConcurrentLinkedQueue<>(); // bytes to store before a cut
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private int nextId;

  TusStubServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/chat/uploads", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The HTTP side's base, as given to {@code httpEndpoint}. */
  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/chat");
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    requests.add(method + " " + path);
    exchange.getResponseHeaders().set("Tus-Resumable", "1.0.0");
    if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      error(exchange, 401, "AUTHENTICATION_FAILED", "bad credentials", null);
      return;
    }
    Fault fault = faults.peek();
    if (fault != null && fault.method().equals(method)) {
      faults.poll();
      exchange.getRequestBody().readAllBytes();
      error(exchange, fault.status(), fault.code(), "planned " + fault.code(), fault.retryAfter());
      return;
    }
    String id = path.substring("/chat/uploads".length()).replaceFirst("^/", "");
    switch (method) {
      case "POST" -> create(exchange);
      case "HEAD" -> head(exchange, id);
      case "PATCH" -> patch(exchange, id);
      case "GET" -> finished(exchange, id);
      case "DELETE" -> {
        uploads.remove(id);
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      }
      default -> error(exchange, 405, "INVALID_ARGUMENT", "no " + method, null);
    }
  }

  private void create(HttpExchange exchange) throws IOException {
    String id;
    synchronized (this) {
      id = "u" + (++nextId);
    }
    long length = Long.parseLong(exchange.getRequestHeaders().getFirst("Upload-Length"));
    String metadata = exchange.getRequestHeaders().getFirst("Upload-Metadata");
    String name =
        new String(
            Base64.getDecoder().decode(metadata.substring("filename ".length())),
            StandardCharsets.UTF_8);
    uploads.put(id, new ByteArrayOutputStream());
    lengths.put(id, length);
    names.put(id, name);
    exchange.getResponseHeaders().set("Location", "/chat/uploads/" + id);
    exchange.sendResponseHeaders(201, -1);
    exchange.close();
  }

  private void head(HttpExchange exchange, String id) throws IOException {
    ByteArrayOutputStream upload = uploads.get(id);
    if (upload == null) {
      error(exchange, 404, "NOT_FOUND", "no such upload", null);
      return;
    }
    exchange.getResponseHeaders().set("Upload-Offset", Integer.toString(upload.size()));
    exchange.getResponseHeaders().set("Upload-Length", Long.toString(lengths.get(id)));
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  private void patch(HttpExchange exchange, String id) throws IOException {
    ByteArrayOutputStream upload = uploads.get(id);
    if (upload == null) {
      error(exchange, 404, "NOT_FOUND", "no such upload", null);
      return;
    }
    long offset = Long.parseLong(exchange.getRequestHeaders().getFirst("Upload-Offset"));
    if (offset != upload.size()) {
      exchange.getRequestBody().readAllBytes();
      error(exchange, 409, "OFFSET_MISMATCH", "offset is " + upload.size(), null);
      return;
    }
    InputStream in = exchange.getRequestBody();
    Integer cut = cuts.poll();
    if (cut != null) {
      upload.write(in.readNBytes(cut));
      throw new IOException("planned cut after " + cut + " bytes"); // the server drops the line
    }
    byte[] chunk = in.readAllBytes();
    patchSizes.add(chunk.length);
    if (upload.size() + chunk.length > lengths.get(id)) {
      error(exchange, 413, "TOO_LARGE", "more than declared", null);
      return;
    }
    upload.write(chunk);
    exchange.getResponseHeaders().set("Upload-Offset", Integer.toString(upload.size()));
    if (upload.size() == lengths.get(id)) {
      exchange.getResponseHeaders().set("Parley-Attachment-Token", "token-" + id);
    }
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  private void finished(HttpExchange exchange, String id) throws IOException {
    ByteArrayOutputStream upload = uploads.get(id);
    if (upload == null || upload.size() != lengths.get(id)) {
      error(exchange, 409, "OFFSET_MISMATCH", "not finished", null);
      return;
    }
    String json =
        "{\"token\":\"token-"
            + id
            + "\",\"attachment\":{\"id\":\""
            + sha256(upload.toByteArray())
            + "\",\"name\":\""
            + names.get(id)
            + "\",\"contentType\":\"application/octet-stream\",\"size\":"
            + upload.size()
            + ",\"width\":0,\"height\":0,\"thumbnailId\":\"\"}}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void error(
      HttpExchange exchange, int status, String code, String message, String retryAfter)
      throws IOException {
    byte[] bytes =
        ("{\"error\":\""
                + code
                + "\",\"message\":\""
                + message
                + "\",\"retryable\":"
                + (status == 503)
                + "}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Parley-Error", code);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (retryAfter != null) {
      exchange.getResponseHeaders().set("Retry-After", retryAfter);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
