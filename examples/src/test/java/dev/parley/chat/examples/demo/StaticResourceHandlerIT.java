package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The static handler on a real server's HTTP side on loopback, probed with raw HTTP requests so
 * that no client library tidies up the paths first.
 */
class StaticResourceHandlerIT {
  private static final ClassLoader LOADER = StaticResourceHandlerIT.class.getClassLoader();

  private ChatServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        ChatServer.builder()
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .host("127.0.0.1")
            .port(0)
            .httpPort(0)
            .httpHandler("/", new StaticResourceHandler(LOADER, "static-test"))
            .httpHandler("/web", new StaticResourceHandler(LOADER, "web"))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void servesTheIndexForTheFolder() throws IOException {
    Response response = get("/");
    assertThat(response.status).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(response.body).contains("test index");
  }

  @Test
  void givesEachKnownFileTypeItsContentType() throws IOException {
    assertThat(get("/index.html").header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(get("/app.js").header("content-type")).isEqualTo("text/javascript; charset=utf-8");
    assertThat(get("/style.css").header("content-type")).isEqualTo("text/css; charset=utf-8");
    assertThat(get("/data.json").header("content-type")).isEqualTo("application/json");
    assertThat(get("/sub/page.html").body).contains("sub page");
  }

  @Test
  void sendsHeadersThatKeepThePageSafe() throws IOException {
    Response response = get("/index.html");
    assertThat(response.header("x-content-type-options")).isEqualTo("nosniff");
    assertThat(response.header("content-security-policy"))
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
  }

  @Test
  void servesTheDemoPageFromItsFolder() throws IOException {
    Response index = get("/web/");
    assertThat(index.status).isEqualTo(200);
    assertThat(index.body).contains("app.js").contains("style.css");
    assertThat(get("/web/app.js").header("content-type"))
        .isEqualTo("text/javascript; charset=utf-8");
    assertThat(get("/web/style.css").status).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../parley-secret.txt",
        "/sub/../../parley-secret.txt",
        "/%2e%2e/parley-secret.txt",
        "/%2E%2E%2Fparley-secret.txt",
        "/..%2fparley-secret.txt",
        "/sub/%2e%2e/%2e%2e/parley-secret.txt",
        "/web/../parley-secret.txt",
        "/web/..%2f..%2fparley-secret.txt",
        "//parley-secret.txt",
        "/./index.html",
        "/sub/./page.html",
        "/..\\parley-secret.txt",
        "/%5c..%5cparley-secret.txt",
        "/index.html%00.txt",
        "/.hidden.txt",
        "/notes.md",
        "/sub",
        "/missing.html",
        "/webapp.js"
      })
  void refusesPathsOutsideTheFolderOrOfUnknownTypes(String path) throws IOException {
    Response response = get(path);
    assertThat(response.status).as(path).isIn(400, 404);
    assertThat(response.body).as(path).doesNotContain("do not serve me");
  }

  @Test
  void answersOnlyGetAndHead() throws IOException {
    assertThat(request("POST", "/index.html").status).isEqualTo(405);
    assertThat(request("POST", "/index.html").header("allow")).isEqualTo("GET, HEAD");
    Response head = request("HEAD", "/index.html");
    assertThat(head.status).isEqualTo(200);
    assertThat(head.body).isEmpty();
  }

  @Test
  void resourceNameAcceptsPlainPathsOnly() {
    assertThat(StaticResourceHandler.resourceName("")).contains("index.html");
    assertThat(StaticResourceHandler.resourceName("sub/")).contains("sub/index.html");
    assertThat(StaticResourceHandler.resourceName("a-b_c.1.js")).contains("a-b_c.1.js");
    assertThat(StaticResourceHandler.resourceName("APP.JS")).contains("APP.JS");
    for (String bad :
        new String[] {
          "..",
          "../x.js",
          "a/../x.js",
          "./x.js",
          "a//x.js",
          "/x.js",
          "a\\x.js",
          ".x.js",
          "x",
          "x.exe",
          "x .js",
          "x.js\u0000"
        }) {
      assertThat(StaticResourceHandler.resourceName(bad)).as(bad).isEqualTo(Optional.empty());
    }
  }

  @Test
  void folderMustBeAPlainClassPathFolder() {
    assertThatThrownBy(() -> new StaticResourceHandler(LOADER, "/web"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'/web'");
    assertThatThrownBy(() -> new StaticResourceHandler(LOADER, "web/"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Response get(String path) throws IOException {
    return request("GET", path);
  }

  /** Sends the request line exactly as given and reads the whole response. */
  private Response request(String method, String path) throws IOException {
    InetSocketAddress address =
        new InetSocketAddress(
            InetAddress.getLoopbackAddress(), server.httpUri().orElseThrow().getPort());
    try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return Response.parse(readAll(socket.getInputStream()));
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private record Response(int status, Map<String, String> headers, String body) {
    static Response parse(String raw) {
      int end = raw.indexOf("\r\n\r\n");
      String head = end < 0 ? raw : raw.substring(0, end);
      String body = end < 0 ? "" : raw.substring(end + 4);
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      return new Response(status, headers, body);
    }

    String header(String name) {
      return headers.get(name);
    }
  }
}
