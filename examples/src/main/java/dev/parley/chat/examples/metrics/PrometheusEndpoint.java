package dev.parley.chat.examples.metrics;

import dev.parley.chat.server.PageHandler;
import dev.parley.chat.server.PageRequest;
import dev.parley.chat.server.PageResponse;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;

/**
 * The examples' {@code /metrics} page for Prometheus: one {@link PrometheusMeterRegistry} per
 * process, with Micrometer's JVM and process binders (memory, GC, threads, class loading, CPU, open
 * files, uptime) bound to it, added to Micrometer's global registry. Parley's server, JDBC store
 * and Redis bus record in the global registry by default, so their meters ({@code docs/metrics.md})
 * reach this page with no further setting. Served on the server's HTTP side with {@code
 * ChatServerBuilder.httpHandler(PrometheusEndpoint.PATH, PrometheusEndpoint.shared())}.
 *
 * <p>Thread-safe: the HTTP side calls {@link #handle} on its own threads, several at once.
 */
public final class PrometheusEndpoint implements PageHandler {
  /** Where the page is served. */
  public static final String PATH = "/metrics";

  /** The Prometheus text format's content type. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static PrometheusEndpoint shared; // guarded by PrometheusEndpoint.class

  private final PrometheusMeterRegistry registry;

  private PrometheusEndpoint(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The process's endpoint, created on first use: its registry gets the JVM and process binders and
   * joins the global registry.
   */
  public static synchronized PrometheusEndpoint shared() {
    if (shared == null) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      // lives as long as the process: its GC listener is never removed
      new JvmGcMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new FileDescriptorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      Metrics.addRegistry(registry);
      shared = new PrometheusEndpoint(registry);
    }
    return shared;
  }

  /** The registry behind the page. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public PageResponse handle(PageRequest request) {
    return PageResponse.of(200, CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
  }
}
