package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The download links: their form, signature, expiry windows and validity per room. */
class SignedAttachmentLinksTest {
  private static final byte[] KEY = key(7);
  private static final String SHA = "a".repeat(64);
  private static final String THUMB = "b".repeat(64);
  private static final RoomId PUBLIC = RoomId.of("lobby");
  private static final RoomId PRIVATE = RoomId.of("staff");
  private static final RoomId UNKNOWN = RoomId.of("never-read");
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration MONTH = Duration.ofDays(30);

  private final Engine.ManualClock clock = new Engine.ManualClock(); // 2026-01-01T00:00:00Z
  private final Map<RoomId, RoomVisibility> known =
      Map.of(PUBLIC, RoomVisibility.PUBLIC, PRIVATE, RoomVisibility.PRIVATE);

  private SignedAttachmentLinks links(URI base) {
    return new SignedAttachmentLinks(KEY, "/chat/files/", base, HOUR, MONTH, clock, known::get);
  }

  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    return key;
  }

  private static ChatMessage message(RoomId room, Attachment... attachments) {
    return new ChatMessage(
            room,
            1,
            MessageId.of("m1"),
            UserId.of("alice"),
            ClientMessageId.of("c1"),
            java.time.Instant.EPOCH,
            "",
            new byte[0])
        .withAttachments(List.of(attachments));
  }

  private static Attachment photo() {
    return Attachment.of(SHA, "holiday photo|2.png", "image/png", 1234, 640, 480, THUMB);
  }

  @Test
  void aLinkNamesTheBlobAndSignsNameTypeAndExpiry() {
    Attachment linked = links(null).withLinks(message(PRIVATE, photo())).attachments().get(0);
    long now = clock.instant().getEpochSecond();
    long exp = now + 3600; // midnight plus an hour is already a multiple of an hour
    assertThat(linked.url())
        .startsWith(
            "/chat/files/"
                + SHA
                + "?name=holiday%20photo%7C2.png&type=image%2Fpng&exp="
                + exp
                + "&sig=");
    Map<String, String> query = SignedAttachmentLinks.query(URI.create(linked.url()).getRawQuery());
    assertThat(query)
        .containsEntry("name", "holiday photo|2.png")
        .containsEntry("type", "image/png")
        .containsEntry("exp", Long.toString(exp));
    SecretKeySpec key = SignedAttachmentLinks.signingKey(KEY);
    assertThat(
            SignedAttachmentLinks.verify(
                key, SHA, "holiday photo|2.png", "image/png", exp, query.get("sig")))
        .isTrue();
    assertThat(linked.withoutLinks()).isEqualTo(photo());
  }

  @Test
  void aChangedFieldOrAnotherKeyBreaksTheSignature() {
    Attachment linked = links(null).withLinks(message(PRIVATE, photo())).attachments().get(0);
    Map<String, String> q = SignedAttachmentLinks.query(URI.create(linked.url()).getRawQuery());
    long exp = Long.parseLong(q.get("exp"));
    String sig = q.get("sig");
    SecretKeySpec key = SignedAttachmentLinks.signingKey(KEY);
    String name = q.get("name");
    assertThat(SignedAttachmentLinks.verify(key, SHA, name, "text/html", exp, sig)).isFalse();
    assertThat(SignedAttachmentLinks.verify(key, SHA, "holiday photo", "2.png|image/png", exp, sig))
        .as("text moved across the separator")
        .isFalse();
    assertThat(SignedAttachmentLinks.verify(key, SHA, name, "image/png", exp + 3600, sig))
        .isFalse();
    assertThat(SignedAttachmentLinks.verify(key, THUMB, name, "image/png", exp, sig)).isFalse();
    assertThat(SignedAttachmentLinks.verify(key, SHA, name, "image/png", exp, "not base64 !"))
        .isFalse();
    assertThat(
            SignedAttachmentLinks.verify(
                SignedAttachmentLinks.signingKey(key(8)), SHA, name, "image/png", exp, sig))
        .isFalse();
    byte[] tokenKey = AttachmentTokens.derive(KEY, "parley upload token");
    assertThat(key.getEncoded()).as("links and tokens use different keys").isNotEqualTo(tokenKey);
  }

  @Test
  void expiriesAreRoundedUpToAWindowSoEveryoneGetsTheSameLinkForAWhile() {
    SignedAttachmentLinks links = links(null);
    clock.advance(Duration.ofMinutes(10));
    String first = links.withLinks(message(PRIVATE, photo())).attachments().get(0).url();
    clock.advance(Duration.ofMinutes(49)); // 00:59
    assertThat(links.withLinks(message(PRIVATE, photo())).attachments().get(0).url())
        .isEqualTo(first);
    long start = java.time.Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
    assertThat(first).contains("&exp=" + (start + 2 * 3600) + "&");
    clock.advance(Duration.ofMinutes(1)); // 01:00: a new window
    assertThat(links.withLinks(message(PRIVATE, photo())).attachments().get(0).url())
        .contains("&exp=" + (start + 2 * 3600) + "&");
    clock.advance(Duration.ofSeconds(1));
    assertThat(links.withLinks(message(PRIVATE, photo())).attachments().get(0).url())
        .contains("&exp=" + (start + 3 * 3600) + "&");
    long second = clock.instant().getEpochSecond();
    assertThat(links.expiry(Duration.ofMillis(300)))
        .as("under a second counts as one")
        .isIn(second + 1, second + 2);
    for (int minute = 0; minute < 180; minute += 7) {
      long now = clock.instant().getEpochSecond();
      long exp = links.expiry(HOUR);
      assertThat(exp - now).isBetween(3600L, 7200L);
      assertThat(exp % 3600).isZero();
      clock.advance(Duration.ofMinutes(7));
    }
  }

  @Test
  void publicRoomsGetTheLongValidityPrivateAndUnknownOnesTheShort() {
    SignedAttachmentLinks links = links(null);
    assertThat(links.validityIn(PUBLIC)).isEqualTo(MONTH);
    assertThat(links.validityIn(PRIVATE)).isEqualTo(HOUR);
    assertThat(links.validityIn(UNKNOWN)).as("not read lately: private").isEqualTo(HOUR);
    long now = clock.instant().getEpochSecond();
    String url = links.withLinks(message(PUBLIC, photo())).attachments().get(0).url();
    long exp =
        Long.parseLong(SignedAttachmentLinks.query(URI.create(url).getRawQuery()).get("exp"));
    assertThat(exp - now).isBetween(MONTH.toSeconds(), 2 * MONTH.toSeconds());
  }

  @Test
  void aThumbnailLinkIsSignedWithAnEmptyTypeAndTheBaseUrlLeadsEveryLink() {
    Attachment linked =
        links(URI.create("https://cdn.example.com/"))
            .withLinks(message(PRIVATE, photo()))
            .attachments()
            .get(0);
    assertThat(linked.url()).startsWith("https://cdn.example.com/chat/files/" + SHA + "?");
    assertThat(linked.thumbnailUrl())
        .startsWith("https://cdn.example.com/chat/files/" + THUMB + "?name=")
        .contains("&type=&exp=");
    Map<String, String> q =
        SignedAttachmentLinks.query(URI.create(linked.thumbnailUrl()).getRawQuery());
    assertThat(
            SignedAttachmentLinks.verify(
                SignedAttachmentLinks.signingKey(KEY),
                THUMB,
                q.get("name"),
                "",
                Long.parseLong(q.get("exp")),
                q.get("sig")))
        .isTrue();
  }

  @Test
  void aMessageWithoutAttachmentsIsReturnedAsItIsAndAFileWithoutThumbnailGetsNoThumbnailLink() {
    ChatMessage plain = message(PRIVATE);
    assertThat(links(null).withLinks(plain)).isSameAs(plain);
    Attachment pdf = Attachment.of(SHA, "r.pdf", "application/pdf", 10, 0, 0, "");
    Attachment linked = links(null).withLinks(message(PRIVATE, pdf)).attachments().get(0);
    assertThat(linked.url()).isNotEmpty();
    assertThat(linked.thumbnailUrl()).isEmpty();
  }

  @Test
  void filesPathFollowsTheWebSocketPath() {
    assertThat(SignedAttachmentLinks.filesPath("/chat")).isEqualTo("/chat/files/");
    assertThat(SignedAttachmentLinks.filesPath("/")).isEqualTo("/files/");
    assertThat(SignedAttachmentLinks.encode("ä b+c/d")).isEqualTo("%C3%A4%20b%2Bc%2Fd");
    assertThat(
            new String(
                SignedAttachmentLinks.encode("x").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8))
        .isEqualTo("x");
  }
}
