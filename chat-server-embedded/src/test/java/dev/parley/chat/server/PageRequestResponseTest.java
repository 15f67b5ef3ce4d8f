package dev.parley.chat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page handler's request and response values: copies, header names, refused values. */
class PageRequestResponseTest {
  private static PageRequest request(String mountPath, String path) {
    return new PageRequest("GET", mountPath, path, "", Map.of("Accept", List.of("text/html")));
  }

  @Test
  void theRelativePathIsWhatFollowsTheMountPath() {
    assertThat(request("/web", "/web/app.js").relativePath()).contains("app.js");
    assertThat(request("/web", "/web").relativePath()).contains("");
    assertThat(request("/web", "/web/").relativePath()).contains("");
    assertThat(request("/", "/sub/index.html").relativePath()).contains("sub/index.html");
    assertThat(request("/web", "/webpage").relativePath())
        .as("a prefix that is not a folder")
        .isEmpty();
  }

  @Test
  void headerNamesAreMatchedInAnyCase() {
    PageRequest request = request("/", "/");
    assertThat(request.header("ACCEPT")).contains("text/html");
    assertThat(request.headers()).containsOnlyKeys("accept");
    assertThat(request.header("x-missing")).isEmpty();
  }

  @Test
  void theBodyIsCopiedInAndOut() {
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    PageResponse response = PageResponse.of(200, "text/plain", body);
    body[0] = 'j';
    response.body()[1] = 'a';
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
  }

  @Test
  void headersTheServerSetsAreRefusedWithTheFix() {
    PageResponse ok = PageResponse.text(200, "ok");
    assertThatThrownBy(() -> ok.withHeader("Content-Type", "text/html"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "header Content-Type is set by the server; pass the content type as contentType");
    assertThatThrownBy(() -> ok.withHeader("content-length", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header content-length is set by the server; leave it out");
    assertThatThrownBy(() -> PageResponse.text(99, "no"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be 100 to 599, was 99");
  }
}
