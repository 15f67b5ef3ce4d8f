package dev.parley.chat.benchmarks.load;

import dev.parley.chat.spi.ProviderLookup;
import dev.parley.chat.spi.ServerTransportProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The servers a run compares, by the kind name {@link BenchServerMain} takes. Stateless. */
final class Systems {
  static final String B1 = "b1";
  static final String B2 = "b2";
  static final String PARLEY = "parley";

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

  /** B1, B2, Parley on its default transport, and Parley on each other transport found. */
  static List<String> available() {
    List<String> systems = new ArrayList<>(List.of(B1, B2, PARLEY));
    for (ServerTransportProvider p :
        ProviderLookup.load(ServerTransportProvider.class, Systems.class.getClassLoader())) {
      boolean benchmarkStub =
          p.getClass().getPackageName().startsWith("dev.parley.chat.benchmarks");
      if (p.isAvailable() && p.priority() < 0 && !benchmarkStub) {
        systems.add(PARLEY + ":" + p.name());
      }
    }
    return systems;
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
