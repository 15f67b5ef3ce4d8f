package dev.parley.chat.server.internal;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomVisibility;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.spec.SecretKeySpec;

/**
 * Download links signed with a key derived from the attachment signing key, so any node of a
 * cluster accepts the links another node made. A link is
 *
 * <pre>
 * &lt;publicBaseUrl&gt;&lt;path&gt;/files/&lt;sha256&gt;?name=&lt;name&gt;&amp;type=&lt;type&gt;&amp;exp=&lt;epoch seconds&gt;&amp;sig=&lt;signature&gt;
 * </pre>
 *
 * where the signature is the base64url HMAC-SHA256 of {@code sha256|name|type|exp}, with name and
 * type URL-encoded (so a {@code |} inside a name cannot move text from one field to the next).
 *
 * <p>The expiry is the link's validity from now, rounded up to a multiple of the validity: every
 * member of a room gets the same link for a file during one window, and a CDN caches one URL per
 * file and window. A link therefore works for one to two validities. Private rooms (and direct
 * rooms, and rooms whose visibility this node has not read lately) get the private validity; public
 * rooms the public one. Deciding never waits for a store.
 *
 * <p>A thumbnail's link is signed with an empty type: the download endpoint tells JPEG from PNG by
 * the thumbnail's first bytes.
 *
 * <p>Thread-safe and non-blocking; {@link #withLinks} runs on the delivering thread.
 */
final class SignedAttachmentLinks implements AttachmentLinks {
  /** The purpose the link key is derived for, apart from upload tokens' key. */
  static final String KEY_PURPOSE = "parley download link";

  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final String prefix;
  private final Duration privateValidity;
  private final Duration publicValidity;
  private final Clock clock;
  private final Function<RoomId, RoomVisibility> visibility;

  /**
   * @param masterKey the attachment signing key
   * @param filesPath the download endpoint's path, e.g. {@code /chat/files/}
   * @param publicBaseUrl what links start with (a CDN), or null for paths on the server's HTTP side
   * @param privateValidity how long a private room's link works, at least
   * @param publicValidity how long a public room's link works, at least
   * @param clock the time links expire by
   * @param visibility a room's visibility known now, null when unknown; must not block
   */
  SignedAttachmentLinks(
      byte[] masterKey,
      String filesPath,
      URI publicBaseUrl,
      Duration privateValidity,
      Duration publicValidity,
      Clock clock,
      Function<RoomId, RoomVisibility> visibility) {
    this.key = signingKey(masterKey);
    this.prefix = base(publicBaseUrl) + filesPath;
    this.privateValidity = Objects.requireNonNull(privateValidity, "privateValidity");
    this.publicValidity = Objects.requireNonNull(publicValidity, "publicValidity");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.visibility = Objects.requireNonNull(visibility, "visibility");
  }

  /** The key links are signed with, derived from the attachment signing key. */
  static SecretKeySpec signingKey(byte[] masterKey) {
    return new SecretKeySpec(AttachmentTokens.derive(masterKey, KEY_PURPOSE), ALGORITHM);
  }

  /**
   * The download endpoint's path for a WebSocket path: {@code /chat} gives {@code /chat/files/}.
   */
  static String filesPath(String webSocketPath) {
    return (webSocketPath.endsWith("/") ? webSocketPath : webSocketPath + "/") + "files/";
  }

  @Override
  public ChatMessage withLinks(ChatMessage message) {
    if (message.attachments().isEmpty()) {
      return message;
    }
    long exp = expiry(validityIn(message.room()));
    List<Attachment> linked = new ArrayList<>(message.attachments().size());
    for (Attachment a : message.attachments()) {
      String url = link(a.id(), a.name(), a.contentType(), exp);
      String thumbnailUrl =
          a.thumbnailId().isEmpty() ? "" : link(a.thumbnailId(), a.name(), "", exp);
      linked.add(a.withLinks(url, thumbnailUrl));
    }
    return message.withAttachments(linked);
  }

  /** How long links of {@code room} work, at least. */
  Duration validityIn(RoomId room) {
    return visibility.apply(room) == RoomVisibility.PUBLIC ? publicValidity : privateValidity;
  }

  /**
   * The expiry of a link made now that must work for {@code validity}: now plus the validity,
   * rounded up to a multiple of the validity, in epoch seconds (a validity under a second counts as
   * one second).
   */
  long expiry(Duration validity) {
    long window = Math.max(1, validity.toSeconds());
    long earliest = Math.floorDiv(clock.millis(), 1000) + window;
    return Math.floorDiv(earliest + window - 1, window) * window;
  }

  /** The signed link to blob {@code sha256}, served as {@code name} of {@code type} until exp. */
  String link(String sha256, String name, String type, long exp) {
    String encodedName = encode(name);
    String encodedType = encode(type);
    return prefix
        + sha256
        + "?name="
        + encodedName
        + "&type="
        + encodedType
        + "&exp="
        + exp
        + "&sig="
        + signature(key, sha256, encodedName, encodedType, exp);
  }

  /**
   * Whether {@code sig} is the signature of these (decoded) fields under {@code key}; compared in
   * constant time. Not whether the link has expired.
   */
  static boolean verify(
      SecretKeySpec key, String sha256, String name, String type, long exp, String sig) {
    byte[] presented;
    try {
      presented = DECODER.decode(sig);
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] expected =
        AttachmentTokens.mac(key, signedText(sha256, encode(name), encode(type), exp));
    return MessageDigest.isEqual(expected, presented);
  }

  private static String signature(
      SecretKeySpec key, String sha256, String encodedName, String encodedType, long exp) {
    return ENCODER.encodeToString(
        AttachmentTokens.mac(key, signedText(sha256, encodedName, encodedType, exp)));
  }

  private static byte[] signedText(
      String sha256, String encodedName, String encodedType, long exp) {
    return (sha256 + "|" + encodedName + "|" + encodedType + "|" + exp)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** URL-encoded UTF-8, with spaces as {@code %20} (a query value, not a form). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * A raw query's parameters, decoded; a parameter given twice keeps its first value.
   *
   * @throws IllegalArgumentException if an escape is malformed
   */
  static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.putIfAbsent(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static String base(URI publicBaseUrl) {
    if (publicBaseUrl == null) {
      return "";
    }
    String base = publicBaseUrl.toString();
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
