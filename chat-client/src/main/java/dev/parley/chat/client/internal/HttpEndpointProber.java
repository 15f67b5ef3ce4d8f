package dev.parley.chat.client.internal;

import dev.parley.chat.client.EndpointProbe;
import dev.parley.chat.client.EndpointProbe.Status;
import dev.parley.chat.client.ProximityPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes endpoints with {@code GET} on their nodes' HTTP side, as {@link ProximityPolicy}
 * describes: {@code samples} requests in a row per endpoint on one kept-alive HTTP/1.1 connection,
 * the fastest counting, every endpoint at once, each endpoint bounded by the probe timeout. Round
 * trips are measured on {@code nanoTime} (monotonic), from handing the request over to the answer's
 * headers.
 *
 * <p>Thread-safe. Runs on its own HTTP client and a pool of daemon threads named {@code
 * parley-probe-N} that exit after 2 idle seconds; {@link #close()} stops both.
 */
final class HttpEndpointProber implements EndpointProber {
  private static final Logger log = LoggerFactory.getLogger(HttpEndpointProber.class);

  private final ProximityPolicy policy;
  private final LongSupplier nanoTime;
  private final ThreadPoolExecutor executor;
  private final HttpClient http;

  HttpEndpointProber(ProximityPolicy policy, SSLContext tls, LongSupplier nanoTime) {
    this.policy = policy;
    this.nanoTime = nanoTime;
    AtomicInteger counter = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            2,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "parley-probe-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(policy.probeTimeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  @Override
  public CompletableFuture<List<EndpointProbe>> probeAll(List<URI> endpoints) {
    List<CompletableFuture<EndpointProbe>> each = new ArrayList<>(endpoints.size());
    for (URI endpoint : endpoints) {
      each.add(probe(endpoint));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              List<EndpointProbe> probes = new ArrayList<>(each.size());
              each.forEach(f -> probes.add(f.join()));
              return List.copyOf(probes);
            });
  }

  /** One endpoint: its samples in a row, or unreachable; never completes exceptionally. */
  CompletableFuture<EndpointProbe> probe(URI endpoint) {
    URI target = policy.probeUri(endpoint);
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .GET()
            .timeout(policy.probeTimeout())
            .header("Cache-Control", "no-store")
            .build();
    CompletableFuture<Sample> samples = sample(request, null, policy.samples());
    return samples
        .orTimeout(policy.probeTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .handle(
            (best, failure) -> {
              if (failure != null) {
                log.debug("probe of {} at {} failed: {}", endpoint, target, failure.toString());
                return new EndpointProbe(endpoint, target, Status.UNREACHABLE, null, -1, -1);
              }
              return best.toProbe(endpoint, target);
            });
  }

  private CompletableFuture<Sample> sample(HttpRequest request, Sample best, int left) {
    if (left == 0) {
      return CompletableFuture.completedFuture(best);
    }
    long start = nanoTime.getAsLong();
    CompletableFuture<HttpResponse<Void>> sent;
    try {
      sent = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sent.thenCompose(
        response -> {
          Sample next = new Sample(Math.max(0, nanoTime.getAsLong() - start), response);
          return sample(request, best == null || next.nanos < best.nanos ? next : best, left - 1);
        });
  }

  @Override
  public void close() {
    JdkClientTransportProvider.stop(http);
    executor.shutdownNow();
  }

  /** One answer and how long it took. */
  private record Sample(long nanos, HttpResponse<Void> response) {
    EndpointProbe toProbe(URI endpoint, URI target) {
      int connections = header(response, ProximityPolicy.CONNECTIONS_HEADER);
      int max = header(response, ProximityPolicy.MAX_CONNECTIONS_HEADER);
      Status status;
      if (response.statusCode() != 200) {
        status = Status.NOT_READY;
      } else if (response
          .headers()
          .firstValue(ProximityPolicy.SATURATED_HEADER)
          .map("true"::equalsIgnoreCase)
          .orElse(false)) {
        status = Status.SATURATED;
      } else {
        status = Status.HEALTHY;
      }
      return new EndpointProbe(endpoint, target, status, Duration.ofNanos(nanos), connections, max);
    }

    private static int header(HttpResponse<Void> response, String name) {
      String value = response.headers().firstValue(name).orElse(null);
      if (value == null) {
        return -1;
      }
      try {
        int parsed = Integer.parseInt(value.trim());
        return parsed >= 0 ? parsed : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }
}
