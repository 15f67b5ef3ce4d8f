package dev.parley.chat.client.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What an error answer of the server's HTTP side says: its code (header {@code Parley-Error}, or
 * {@code error} in the JSON body {@code {"error", "message", "retryable"}}), its message and its
 * {@code Retry-After} (seconds). Any part may be missing; a body that is not that JSON is taken as
 * the message. Immutable.
 *
 * @param code the error code, or empty
 * @param message what went wrong, never empty
 * @param retryAfter the server's advice, or {@code null}
 */
record ServerError(String code, String message, Duration retryAfter) {
  private static final int MAX_MESSAGE = 500;

  static ServerError of(HttpResponse<String> response) {
    String code = response.headers().firstValue("Parley-Error").orElse("");
    String message = "";
    String body = response.body() == null ? "" : response.body().strip();
    if (body.startsWith("{")) {
      try {
        JsonObject json = JsonParser.parseString(body).getAsJsonObject();
        message = text(json.get("message"));
        if (code.isEmpty()) {
          code = text(json.get("error"));
        }
      } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
        message = body;
      }
    } else {
      message = body;
    }
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "...";
    }
    if (message.isEmpty()) {
      message = "the server gave no reason";
    }
    return new ServerError(code, message, retryAfter(response));
  }

  private static String text(JsonElement element) {
    return element == null || !element.isJsonPrimitive() ? "" : element.getAsString();
  }

  /** {@code Retry-After} in seconds; an HTTP date or anything else counts as no advice. */
  static Duration retryAfter(HttpResponse<?> response) {
    String value = response.headers().firstValue("Retry-After").orElse(null);
    if (value == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds >= 0 ? Duration.ofSeconds(Math.min(seconds, 3_600)) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
