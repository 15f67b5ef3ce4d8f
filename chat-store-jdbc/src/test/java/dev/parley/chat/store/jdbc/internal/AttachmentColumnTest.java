package dev.parley.chat.store.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.Attachment;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttachmentColumnTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void noAttachmentsIsNull() {
    assertThat(AttachmentColumn.encode(List.of())).isNull();
    assertThat(AttachmentColumn.decode(null)).isEmpty();
  }

  @Test
  void everyStringSurvivesAndTheTextHoldsNoLoneSurrogateOrNul() {
    List<Attachment> attachments =
        List.of(
            Attachment.of(A, "nul\u0000 \uD83D lone \uDE00 low 😀 \"\\", "image/png", 7, 3, 4, B),
            Attachment.of(B, "plain.txt", "text/plain", Long.MAX_VALUE, 0, 0, ""));
    String column = AttachmentColumn.encode(attachments);
    assertThat(column).doesNotContain("\u0000").contains("\\ud83d").contains("😀");
    assertThat(AttachmentColumn.decode(column)).containsExactlyElementsOf(attachments);
    assertThat(AttachmentColumn.blobIds(attachments)).containsExactly(A, B);
  }

  @Test
  void keysOfALaterVersionAreSkipped() {
    String column =
        "[{\"id\":\""
            + A
            + "\",\"name\":\"n\",\"contentType\":\"text/plain\",\"size\":1,\"width\":0,"
            + "\"height\":0,\"thumbnailId\":\"\",\"caption\":{\"text\":\"later\"}}]";
    assertThat(AttachmentColumn.decode(column))
        .containsExactly(Attachment.of(A, "n", "text/plain", 1, 0, 0, ""));
  }

  @Test
  void aDamagedColumnIsRefused() {
    for (String damaged :
        List.of("", "[", "{}", "[{}]", "[{\"id\":\"xyz\"}]", "[] []", "[{\"id\":1}]")) {
      assertThatThrownBy(() -> AttachmentColumn.decode(damaged))
          .as(damaged)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
