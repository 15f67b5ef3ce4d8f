package dev.parley.chat.client.internal;

import dev.parley.chat.spi.ClientTransportProvider;
import dev.parley.chat.spi.ProviderLookup;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the client transport, deterministically: the one the builder names; otherwise, among the
 * available providers that support every endpoint, the highest priority, ties broken by name. When
 * none fits, the error names what was found and how to fix it. Stateless.
 */
final class TransportSelection {
  private TransportSelection() {}

  /** Loads the providers visible to this library's class loader and picks one. */
  static ClientTransportProvider select(List<URI> endpoints, String requestedName) {
    return select(
        ProviderLookup.load(
            ClientTransportProvider.class, TransportSelection.class.getClassLoader()),
        endpoints,
        requestedName);
  }

  /**
   * Checks that a transport the application gave supports every endpoint.
   *
   * @throws IllegalStateException naming the first endpoint it cannot connect to
   */
  static ClientTransportProvider check(ClientTransportProvider given, List<URI> endpoints) {
    for (URI endpoint : endpoints) {
      if (!given.supports(endpoint)) {
        throw new IllegalStateException(
            "transport '"
                + given.name()
                + "' given with transport(provider) does not support "
                + endpoint
                + "; give endpoints it supports, or another transport");
      }
    }
    return given;
  }

  static ClientTransportProvider select(
      List<ClientTransportProvider> candidates, List<URI> endpoints, String requestedName) {
    String schemes =
        endpoints.stream()
            .map(URI::getScheme)
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    String fix =
        "Endpoints use "
            + schemes
            + "; use ws:// or wss:// endpoints (http:// and https:// ones, for Server-Sent"
            + " Events, go to the 'sse' transport), put a transport that supports them on the class"
            + " path (the default 'jdk' transport ships with chat-client, registered in"
            + " META-INF/services/"
            + ClientTransportProvider.class.getName()
            + "), or name an available one with ChatClientBuilder.transport(name).";
    return ProviderLookup.select(
        ClientTransportProvider.class,
        candidates,
        requestedName,
        ClientTransportProvider::name,
        ClientTransportProvider::priority,
        provider -> provider.isAvailable() && endpoints.stream().allMatch(provider::supports),
        fix);
  }
}
