package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.spi.ServerTls;
import dev.parley.chat.spi.WebSocketCompression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;

/**
 * Copies the {@code parley.*} properties into a {@link ChatServerBuilder}. The builder checks each
 * value and names the bad one; unset optional properties leave the builder's defaults. Stateless.
 */
final class ParleyServerSettings {
  private ParleyServerSettings() {}

  static void apply(ParleyProperties properties, ChatServerBuilder builder) {
    if (properties.getHost() != null) {
      builder.host(properties.getHost());
    }
    builder.port(properties.getPort()).path(properties.getPath());
    if (properties.getTransport() != null) {
      builder.transport(properties.getTransport());
    }
    if (properties.getServerId() != null) {
      builder.serverId(properties.getServerId());
    }
    ParleyProperties.Http http = properties.getHttp();
    if (http.isEnabled()) {
      builder.httpPort(http.getPort());
      if (http.getHost() != null) {
        builder.httpHost(http.getHost());
      }
    } else {
      builder.disableHttp();
    }
    ParleyProperties.Limits limits = properties.getLimits();
    builder
        .maxMessageBytes(limits.getMaxMessageBytes())
        .maxFragmentsPerMessage(limits.getMaxFragmentsPerMessage())
        .maxHandshakeBytes(limits.getMaxHandshakeBytes())
        .handshakeTimeout(limits.getHandshakeTimeout())
        .connectTimeout(limits.getConnectTimeout())
        .pingInterval(limits.getPingInterval())
        .maxConnections(limits.getMaxConnections())
        .maxOutboundBytes(limits.getMaxOutboundBytes())
        .maxRoomsPerSession(limits.getMaxRoomsPerSession())
        .maxTextBytes(limits.getMaxTextBytes())
        .maxPayloadBytes(limits.getMaxPayloadBytes())
        .requestRate(limits.getRequestsPerSecond(), limits.getRequestBurst())
        .userSendRate(limits.getUserSendsPerSecond(), limits.getUserSendBurst())
        .userJoinRate(limits.getUserJoinsPerSecond(), limits.getUserJoinBurst())
        .userHistoryReadRate(
            limits.getUserHistoryReadsPerSecond(), limits.getUserHistoryReadBurst())
        .maxConnectionsPerUser(limits.getMaxConnectionsPerUser())
        .maxConnectionsPerAddress(limits.getMaxConnectionsPerAddress())
        .maxRoomsPerUser(limits.getMaxRoomsPerUser())
        .maxTokenBytes(limits.getMaxTokenBytes());
    if (!limits.getAllowedOrigins().isEmpty()) {
      builder.allowedOrigins(limits.getAllowedOrigins().toArray(String[]::new));
    }
    builder.tokenExpiryLead(properties.getSecurity().getTokenExpiryLead());
    ParleyProperties.Access access = properties.getAccess();
    builder.accessCacheTtl(access.getCacheTtl()).accessCacheMaxEntries(access.getCacheMaxEntries());
    ParleyProperties.Presence presence = properties.getPresence();
    builder
        .presenceWindow(presence.getWindow())
        .largeRoomThreshold(presence.getLargeRoomThreshold());
    ServerTls tls = tlsOf(properties.getTls());
    if (tls != null) {
      builder.tls(tls);
    }
    builder.compression(compressionOf(properties.getCompression()));
    ParleyProperties.Resilience resilience = properties.getResilience();
    builder
        .dependencyTimeout(resilience.getDependencyTimeout())
        .breakerFailureRateThreshold(resilience.getBreakerFailureRateThreshold())
        .breakerWindowSize(resilience.getBreakerWindowSize())
        .breakerOpenDuration(resilience.getBreakerOpenDuration())
        .maxPendingStoreCalls(resilience.getMaxPendingStoreCalls())
        .dependencyReconnectBackoff(resilience.getReconnectInitial(), resilience.getReconnectMax());
  }

  /**
   * The attachment options the {@code parley.attachments.*} properties describe, for {@code
   * blobStore}; a bad value fails with a message naming the property.
   */
  static AttachmentOptions attachmentsOf(ParleyProperties.Attachments a, BlobStore blobStore) {
    try {
      AttachmentOptions.Builder options =
          AttachmentOptions.builder(blobStore)
              .maxFileBytes(a.getMaxFileBytes())
              .userQuota(a.getUserQuotaBytes(), a.getUserQuotaCount(), a.getQuotaWindow())
              .maxOpenUploads(a.getMaxOpenUploads())
              .maxImagePixels(a.getMaxImagePixels())
              .uploadExpiry(a.getUploadExpiry())
              .tokenValidity(a.getTokenValidity())
              .linkValidity(a.getPrivateLinkValidity(), a.getPublicLinkValidity())
              .retention(a.getRetentionGrace(), a.getRetentionInterval())
              .blobThreads(a.getBlobThreads());
      if (a.getSigningKey() != null) {
        byte[] key;
        try {
          key = Base64.getDecoder().decode(a.getSigningKey().trim());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("signing-key must be base64", e);
        }
        options.signingKey(key);
      }
      if (a.getStagingDirectory() != null) {
        options.stagingDirectory(a.getStagingDirectory());
      }
      if (a.getPublicBaseUrl() != null) {
        options.publicBaseUrl(a.getPublicBaseUrl());
      }
      return options.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("parley.attachments: " + e.getMessage(), e);
    }
  }

  /**
   * The compression the {@code parley.compression.*} properties describe; a bad level or threshold
   * fails with a message naming the property.
   */
  static WebSocketCompression compressionOf(ParleyProperties.Compression compression) {
    try {
      return new WebSocketCompression(
          compression.isEnabled(),
          compression.getMinMessageBytes(),
          compression.getLevel(),
          compression.isServerContextTakeover(),
          compression.isClientContextTakeover());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parley.compression: " + e.getMessage(), e);
    }
  }

  /**
   * The certificate the {@code parley.tls.*} properties name, or {@code null} when none is set.
   *
   * @throws IllegalArgumentException if they are incomplete, contradict each other, or name files
   *     that cannot be read
   */
  static ServerTls tlsOf(ParleyProperties.Tls tls) {
    boolean pem = tls.getCertificateChain() != null || tls.getPrivateKey() != null;
    boolean store = tls.getKeyStore() != null;
    if (pem && store) {
      throw new IllegalArgumentException(
          "parley.tls: give either certificate-chain and private-key (PEM files) or key-store,"
              + " not both");
    }
    if (pem) {
      if (tls.getCertificateChain() == null || tls.getPrivateKey() == null) {
        throw new IllegalArgumentException(
            "parley.tls.certificate-chain and parley.tls.private-key go together: set both");
      }
      return ServerTls.fromPem(tls.getCertificateChain(), tls.getPrivateKey());
    }
    if (!store) {
      if (tls.getKeyStorePassword() != null) {
        throw new IllegalArgumentException(
            "parley.tls.key-store-password is set without parley.tls.key-store");
      }
      return null;
    }
    if (tls.getKeyStorePassword() == null) {
      throw new IllegalArgumentException(
          "parley.tls.key-store needs parley.tls.key-store-password (the store's and its key's)");
    }
    char[] password = tls.getKeyStorePassword().toCharArray();
    KeyStore keyStore;
    try {
      keyStore = KeyStore.getInstance(tls.getKeyStoreType());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "parley.tls.key-store-type " + tls.getKeyStoreType() + " is not a key store type", e);
    }
    try (InputStream in = Files.newInputStream(tls.getKeyStore())) {
      keyStore.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read parley.tls.key-store " + tls.getKeyStore() + ": " + e.getMessage(), e);
    }
    return ServerTls.fromKeyStore(keyStore, password);
  }
}
