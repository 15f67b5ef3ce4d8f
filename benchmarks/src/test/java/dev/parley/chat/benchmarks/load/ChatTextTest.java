package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ChatTextTest {
  @Test
  void theSameSeedGivesTheSameMessages() {
    ChatText a = new ChatText(3);
    ChatText b = new ChatText(3);
    for (int i = 0; i < 100; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }

  @Test
  void messagesAreShortVariedAndCompressLikeText() throws IOException {
    ChatText text = new ChatText(1);
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      messages.add(text.next());
    }
    double meanLength = messages.stream().mapToInt(String::length).average().orElseThrow();
    assertThat(meanLength).isBetween(20.0, 120.0);
    assertThat(new HashSet<>(messages)).hasSizeGreaterThan(1_500);
    assertThat(messages).anyMatch(m -> m.length() < 10).anyMatch(m -> m.length() > 150);

    byte[] all = String.join("\n", messages).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(all);
    }
    double ratio = (double) compressed.size() / all.length;
    // English-like text: gzip takes it to about a third, not to nothing (one string repeated)
    // and not to about its size (random bytes)
    assertThat(ratio).isBetween(0.2, 0.6);
  }
}
