package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.server.ChatServerBuilder;

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
        .requestRate(limits.getRequestsPerSecond(), limits.getRequestBurst());
    ParleyProperties.Resilience resilience = properties.getResilience();
    builder
        .dependencyTimeout(resilience.getDependencyTimeout())
        .breakerFailureRateThreshold(resilience.getBreakerFailureRateThreshold())
        .breakerWindowSize(resilience.getBreakerWindowSize())
        .breakerOpenDuration(resilience.getBreakerOpenDuration())
        .maxPendingStoreCalls(resilience.getMaxPendingStoreCalls())
        .dependencyReconnectBackoff(resilience.getReconnectInitial(), resilience.getReconnectMax());
  }
}
