package dev.parley.chat.server.internal;

import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.BlobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Attachments on for tests of the message path: settings with an {@link AttachmentSettings}, and
 * tokens issued with the same key, as a completed upload would hand them out.
 */
final class TestAttachments {
  /** The signing key of every test server with attachments. */
  static final byte[] KEY = new byte[32];

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) (i * 7 + 3);
    }
  }

  private TestAttachments() {}

  /** Attachment settings with {@link #KEY} and the defaults of the contract. */
  static AttachmentSettings settings(BlobStore blobs, Path staging) {
    return new AttachmentSettings(
        blobs,
        KEY,
        staging,
        100L * 1024 * 1024,
        Duration.ofHours(24),
        1024L * 1024 * 1024,
        500,
        8,
        50_000_000L,
        Duration.ofHours(24),
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofDays(30),
        null,
        Duration.ofHours(24),
        Duration.ofHours(1),
        2);
  }

  /** {@code s} with {@code attachments} (null: off). */
  static ServerSettings with(ServerSettings s, AttachmentSettings attachments) {
    return new ServerSettings(
        s.host(),
        s.port(),
        s.httpEnabled(),
        s.httpHost(),
        s.httpPort(),
        s.pageHandlers(),
        s.path(),
        s.transportName(),
        s.transport(),
        s.authenticator(),
        s.messageStore(),
        s.clusterBus(),
        s.catchUpInterval(),
        s.roomPolicy(),
        s.maxMessageBytes(),
        s.maxFragmentsPerMessage(),
        s.maxHandshakeBytes(),
        s.handshakeTimeout(),
        s.connectTimeout(),
        s.tokenExpiryLead(),
        s.pingInterval(),
        s.maxConnections(),
        s.maxOutboundBytes(),
        s.maxRoomsPerSession(),
        s.maxTextBytes(),
        s.maxPayloadBytes(),
        s.requestsPerSecond(),
        s.requestBurst(),
        s.abuseLimits(),
        s.workerExecutor(),
        s.clock(),
        s.random(),
        s.serverId(),
        s.messageHooks(),
        s.sessionListeners(),
        s.hookTimeout(),
        s.breakers(),
        s.meterRegistry(),
        s.access(),
        s.tls(),
        s.presence(),
        s.serverSentEvents(),
        s.compression(),
        attachments,
        s.events());
  }

  /** Tokens as the server with {@link #KEY} issues them, on {@code clock}. */
  static AttachmentTokens tokens(Clock clock) {
    return new AttachmentTokens(KEY, clock);
  }

  /** A token for {@code owner}, valid for an hour. */
  static String token(Clock clock, dev.parley.chat.api.Attachment a, String owner) {
    return tokens(clock).issue(a, UserId.of(owner), Duration.ofHours(1));
  }
}
