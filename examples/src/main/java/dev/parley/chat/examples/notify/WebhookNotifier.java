package dev.parley.chat.examples.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link Notifier} that POSTs each notification as JSON ({@link Notification#toJson()}) to a URL,
 * with the header {@value #IDEMPOTENCY_KEY_HEADER} set to {@link Notification#id()}. A 2xx answer
 * counts as delivered; any other answer, a timeout or a connection failure makes {@link #deliver}
 * throw, and the worker posts the same notification, with the same key, again later.
 *
 * <p>Delivery is at least once: the receiver must treat a repeated {@code Idempotency-Key} as the
 * same notification. Uses the JDK's {@link HttpClient}.
 *
 * <p>Thread-safe; posts on the calling thread and waits for the answer.
 */
public final class WebhookNotifier implements Notifier {
  /** The header that carries the notification id. */
  public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  /** How long one POST may take when no other time is given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final URI endpoint;
  private final HttpClient client;
  private final Duration timeout;

  /** Posts to {@code endpoint} with a client of its own and {@link #DEFAULT_TIMEOUT}. */
  public WebhookNotifier(URI endpoint) {
    this(
        endpoint, HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build(), DEFAULT_TIMEOUT);
  }

  /** Posts to {@code endpoint} with {@code client}, each request within {@code timeout}. */
  public WebhookNotifier(URI endpoint, HttpClient client, Duration timeout) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    String scheme = endpoint.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("a webhook URL is http or https, not " + endpoint);
    }
  }

  @Override
  public void deliver(Notification notification) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header(IDEMPOTENCY_KEY_HEADER, notification.id())
            .POST(
                HttpRequest.BodyPublishers.ofString(notification.toJson(), StandardCharsets.UTF_8))
            .build();
    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          "webhook "
              + endpoint
              + " answered "
              + response.statusCode()
              + " for "
              + notification.id());
    }
  }
}
