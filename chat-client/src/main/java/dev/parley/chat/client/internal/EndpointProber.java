package dev.parley.chat.client.internal;

import dev.parley.chat.client.EndpointProbe;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Probes endpoints for a ranking. Implementations are thread-safe. */
interface EndpointProber extends AutoCloseable {
  /**
   * Probes every endpoint at once; completes (never exceptionally) with one probe per endpoint, in
   * the order given, on a thread of the prober.
   */
  CompletableFuture<List<EndpointProbe>> probeAll(List<URI> endpoints);

  /** Stops the prober's threads; probes in flight complete as unreachable. */
  @Override
  void close();
}
