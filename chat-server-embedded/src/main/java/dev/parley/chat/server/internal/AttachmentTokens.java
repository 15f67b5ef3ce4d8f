package dev.parley.chat.server.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.AttachmentGrant;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Upload tokens: what a completed upload hands its owner, and what a Send presents to attach the
 * file. A token is the {@link AttachmentGrant} (the attachment as Parley measured it, the owner and
 * an expiry) followed by its HMAC-SHA256, both base64url: {@code <grant>.<mac>}. Nothing about an
 * attachment comes from the Send itself, so a client can neither change a file's name, type or size
 * nor attach a file someone else uploaded. Stateless, so any node with the same key accepts a token
 * another node issued. Thread-safe.
 */
final class AttachmentTokens {
  /** The longest token accepted, in characters; a grant is far smaller. */
  static final int MAX_TOKEN_CHARS = 2048;

  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final Clock clock;

  /**
   * @param masterKey the attachment signing key ({@link AttachmentSettings#signingKey()}); tokens
   *     use a key derived from it for this purpose only
   * @param clock the time expiries are checked against
   */
  AttachmentTokens(byte[] masterKey, Clock clock) {
    this.key = new SecretKeySpec(derive(masterKey, "parley upload token"), ALGORITHM);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A key for one purpose, so a token's MAC can never pass as a link's signature. */
  static byte[] derive(byte[] masterKey, String purpose) {
    return mac(new SecretKeySpec(masterKey, ALGORITHM), purpose.getBytes(StandardCharsets.UTF_8));
  }

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  static byte[] mac(SecretKeySpec key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /** A token that lets {@code owner} attach {@code attachment} for {@code validity}. */
  String issue(Attachment attachment, UserId owner, Duration validity) {
    byte[] grant =
        AttachmentGrant.newBuilder()
            .setAttachment(EnvelopeCodec.attachment(attachment.withoutLinks()))
            .setOwner(owner.value())
            .setExpiresAtMs(clock.millis() + validity.toMillis())
            .build()
            .toByteArray();
    return ENCODER.encodeToString(grant) + "." + ENCODER.encodeToString(mac(key, grant));
  }

  /**
   * The attachment {@code token} grants to {@code sender}.
   *
   * @throws Refused if the token is malformed, forged, expired or someone else's
   */
  Attachment verify(String token, UserId sender) {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new Refused(ErrorCode.INVALID_ARGUMENT, "an attachment token is too long");
    }
    int dot = token.indexOf('.');
    byte[] grantBytes;
    byte[] presented;
    try {
      if (dot < 1 || dot != token.lastIndexOf('.')) {
        throw new IllegalArgumentException("no single dot");
      }
      grantBytes = DECODER.decode(token.substring(0, dot));
      presented = DECODER.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw new Refused(ErrorCode.INVALID_ARGUMENT, "an attachment token is malformed");
    }
    if (!MessageDigest.isEqual(mac(key, grantBytes), presented)) {
      throw new Refused(
          ErrorCode.FORBIDDEN, "an attachment token was not issued by this server or was altered");
    }
    AttachmentGrant grant;
    Attachment attachment;
    try {
      grant = AttachmentGrant.parseFrom(grantBytes);
      attachment = EnvelopeCodec.attachment(grant.getAttachment());
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      throw new Refused(ErrorCode.INVALID_ARGUMENT, "an attachment token is malformed");
    }
    if (!grant.getOwner().equals(sender.value())) {
      throw new Refused(ErrorCode.FORBIDDEN, "an attachment token belongs to another user");
    }
    if (clock.millis() >= grant.getExpiresAtMs()) {
      throw new Refused(
          ErrorCode.INVALID_ARGUMENT, "an attachment token has expired; upload the file again");
    }
    return attachment;
  }

  /** A token refused, with the error the sender gets. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    Refused(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    /** The error code for the sender. */
    ErrorCode code() {
      return code;
    }
  }
}
