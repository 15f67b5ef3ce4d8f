package dev.parley.chat.client.internal;

import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a short answer body (an SSE session's JSON, a refusal's reason) as text, keeping at most
 * {@code max} bytes and discarding the rest, so a misbehaving server cannot make the client buffer
 * without bound. Thread-safe as the JDK uses body subscribers (one signal at a time).
 */
final class BoundedBody implements BodySubscriber<String> {
  private final byte[] kept;
  private int length;
  private final CompletableFuture<String> body = new CompletableFuture<>();

  private BoundedBody(int max) {
    this.kept = new byte[max];
  }

  /** A subscriber that keeps the first {@code max} bytes. */
  static BodySubscriber<String> of(int max) {
    return new BoundedBody(max);
  }

  /** A subscriber that discards everything. */
  static BodySubscriber<String> discarding() {
    return BodySubscribers.replacing("");
  }

  @Override
  public CompletionStage<String> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer item : items) {
      int take = Math.min(item.remaining(), kept.length - length);
      item.get(kept, length, take);
      length += take;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    body.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    body.complete(new String(kept, 0, length, StandardCharsets.UTF_8));
  }

  /** The first line of {@code text}, trimmed; for reasons in exceptions and close events. */
  static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int end = text.indexOf('\n');
    return (end < 0 ? text : text.substring(0, end)).trim();
  }
}
