package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever a client puts in a download's {@code Range}, {@code If-None-Match} or query, reading it
 * never throws anything unexpected: a range is ignored, unsatisfiable, or inside the file; a query
 * is read or refused as malformed; and whatever name a link carries, its {@code
 * Content-Disposition} is a safe header value.
 */
class DownloadRequestFuzzTest {
  @FuzzTest(maxDuration = "20s")
  void anyRequestIsReadOrRefusedCleanly(FuzzedDataProvider data) {
    long size = data.consumeLong(0, 1L << 40);
    String range = data.consumeString(200);
    String tags = data.consumeString(200);
    String name = data.consumeString(300);
    String query = data.consumeRemainingAsString();
    checkRange(range, size);
    DownloadEndpoint.matches(tags, "a".repeat(64));
    checkQuery(query);
    checkDisposition(name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bytes=",
        "bytes=-",
        "bytes=0-0",
        "bytes=-0",
        "bytes=-99999999999999999999",
        "bytes=99999999999999999999-",
        "bytes=5-4",
        "bytes= 1 - 2 ",
        "BYTES=1-2",
        "bytes=1-2,3-4",
        "bytes=--1",
        "bytes=1--2",
        "bytes=+1-2",
        "bytes=\u0661-2"
      })
  void sampleRanges(String header) {
    for (long size : new long[] {0, 1, 10, Long.MAX_VALUE}) {
      checkRange(header, size);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "%", "%zz", "name=%E2%82", "=&=&&", "sig=a&sig=b", "x=1=2"})
  void sampleQueries(String query) {
    checkQuery(query);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a\r\nSet-Cookie: x=y", "\"quoted\\\".txt", "\u0000\u007f\u0085", "名前.png"})
  void sampleNames(String name) {
    checkDisposition(name);
  }

  private static void checkRange(String header, long size) {
    DownloadEndpoint.ByteRange range = DownloadEndpoint.ByteRange.parse(header, size);
    if (range != null && range != DownloadEndpoint.ByteRange.UNSATISFIABLE) {
      assertThat(range.first()).isBetween(0L, range.last());
      assertThat(range.last()).isLessThan(size);
    }
  }

  private static void checkQuery(String query) {
    try {
      SignedAttachmentLinks.query(query);
    } catch (IllegalArgumentException malformed) {
      // refused as a link this server did not sign
    }
  }

  private static void checkDisposition(String name) {
    for (String type : new String[] {"image/png", "application/pdf"}) {
      String value = DownloadEndpoint.disposition(type, name);
      assertThat(value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e))
          .as("visible ASCII only: %s", value)
          .isTrue();
      String encoded = value.substring(value.indexOf("filename*=UTF-8''") + 17);
      assertThat(encoded).matches("[A-Za-z0-9!#$&+\\-.^_`|~%]*");
      String ascii =
          value.substring(value.indexOf("filename=\"") + 10, value.indexOf("\"; filename*"));
      assertThat(ascii).doesNotContain("\"").doesNotContain("\\");
    }
  }
}
