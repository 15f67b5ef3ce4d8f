package dev.parley.chat.benchmarks.load;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The servers a run compares, by the kind name {@link BenchServerMain} takes. Stateless. */
final class Systems {
  static final String B1 = "b1";
  static final String B2 = "b2";
  static final String PARLEY = "parley";

  /**
   * Parley on the Java-WebSocket transport, named explicitly; {@code parley} is Parley on its
   * default transport, Netty, which {@code parley:netty} also names.
   */
  static final String PARLEY_JWS = PARLEY + ":jws";

  /** Short names of transports in system names, to the provider names they stand for. */
  private static final Map<String, String> TRANSPORT_ALIASES = Map.of("jws", "java-websocket");

  /**
   * Suffix of a Parley system that records metrics (docs/metrics.md), compared with the same system
   * without it: {@code parley+metrics} against {@code parley}.
   */
  static final String METRICS = "+metrics";

  /** Threads of the load generator's event loops. */
  static final int CLIENT_THREADS = 2;

  /** Loopback source addresses connections are spread over (127.0.0.2 and up). */
  static final int SOURCE_ADDRESSES = 8;

  private Systems() {}

  /**
   * B1, B2, Parley on its default transport (Netty), and Parley on each other transport found
   * ({@code parley:jws} for Java-WebSocket).
   */
  static List<String> available() {
    List<String> systems = new ArrayList<>(List.of(B1, B2, PARLEY));
    for (ServerTransportProvider p :
        ProviderLookup.load(ServerTransportProvider.class, Systems.class.getClassLoader())) {
      boolean benchmarkStub =
          p.getClass().getPackageName().startsWith("dev.parley.chat.benchmarks");
      if (p.isAvailable() && p.priority() < 0 && !benchmarkStub) {
        systems.add(PARLEY + ":" + shortName(p.name()));
      }
    }
    return systems;
  }

  /**
   * The transport a Parley system names ({@code parley:jws+metrics} names "java-websocket"), or
   * {@code null} for Parley on its default transport.
   */
  static String transportOf(String system) {
    String parley =
        system.endsWith(METRICS) ? system.substring(0, system.length() - METRICS.length()) : system;
    int colon = parley.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String name = parley.substring(colon + 1);
    return TRANSPORT_ALIASES.getOrDefault(name, name);
  }

  private static String shortName(String transport) {
    return TRANSPORT_ALIASES.entrySet().stream()
        .filter(e -> e.getValue().equals(transport))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(transport);
  }

  static boolean isParley(String system) {
    return system.startsWith(PARLEY);
  }

  /** A load client speaking what {@code system} understands. */
  static LoadClient client(String system, InetSocketAddress server, String text) {
    Wire wire =
        isParley(system)
            ? new ParleyWire(text)
            : new RawWire(text.getBytes(StandardCharsets.UTF_8));
    return new LoadClient(CLIENT_THREADS, server, wire, SOURCE_ADDRESSES);
  }
}
