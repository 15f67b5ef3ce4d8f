package dev.parley.chat.store.jdbc.internal;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.parley.chat.api.Attachment;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code attachments} column: a message's attachments as a JSON array, without links, and the
 * blob ids they reference. Every string survives exactly: JSON escapes control characters (NUL
 * included, which PostgreSQL text cannot hold), and a surrogate without its pair, which UTF-8
 * cannot carry, is written as a JSON unicode escape. Stateless and thread-safe.
 */
final class AttachmentColumn {
  private AttachmentColumn() {}

  /** The column's value for {@code attachments}: {@code null} when there are none. */
  static String encode(List<Attachment> attachments) {
    if (attachments.isEmpty()) {
      return null;
    }
    StringWriter text = new StringWriter(256 * attachments.size());
    try (JsonWriter json = new JsonWriter(text)) {
      json.beginArray();
      for (Attachment a : attachments) {
        json.beginObject();
        json.name("id").value(a.id());
        json.name("name").value(a.name());
        json.name("contentType").value(a.contentType());
        json.name("size").value(a.size());
        json.name("width").value(a.width());
        json.name("height").value(a.height());
        json.name("thumbnailId").value(a.thumbnailId());
        json.endObject();
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return escapeLoneSurrogates(text.toString());
  }

  /**
   * The attachments in a column's value; none for {@code null}.
   *
   * @throws IllegalArgumentException if the value is not what {@link #encode} writes
   */
  static List<Attachment> decode(String column) {
    if (column == null) {
      return List.of();
    }
    List<Attachment> attachments = new ArrayList<>();
    try (JsonReader json = new JsonReader(new StringReader(column))) {
      json.beginArray();
      while (json.hasNext()) {
        attachments.add(attachment(json));
      }
      json.endArray();
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("text after the attachments' array");
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable attachments column: " + e.getMessage(), e);
    }
    return attachments;
  }

  private static Attachment attachment(JsonReader json) throws IOException {
    String id = null;
    String name = null;
    String contentType = null;
    long size = -1;
    int width = 0;
    int height = 0;
    String thumbnailId = "";
    json.beginObject();
    while (json.hasNext()) {
      String field = json.nextName();
      switch (field) {
        case "id" -> id = json.nextString();
        case "name" -> name = json.nextString();
        case "contentType" -> contentType = json.nextString();
        case "size" -> size = json.nextLong();
        case "width" -> width = json.nextInt();
        case "height" -> height = json.nextInt();
        case "thumbnailId" -> thumbnailId = json.nextString();
        default -> json.skipValue(); // written by a later version
      }
    }
    json.endObject();
    return Attachment.of(id, name, contentType, size, width, height, thumbnailId);
  }

  /** The blob ids {@code attachments} reference (files and thumbnails), each once, in order. */
  static Set<String> blobIds(List<Attachment> attachments) {
    Set<String> ids = new LinkedHashSet<>();
    for (Attachment a : attachments) {
      ids.add(a.id());
      if (!a.thumbnailId().isEmpty()) {
        ids.add(a.thumbnailId());
      }
    }
    return ids;
  }

  private static String escapeLoneSurrogates(String json) {
    StringBuilder out = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))
              : !Character.isLowSurrogate(c);
      if (Character.isHighSurrogate(c) && paired) {
        if (out != null) {
          out.append(c).append(json.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (!paired) {
        if (out == null) {
          out = new StringBuilder(json.length() + 16).append(json, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? json : out.toString();
  }
}
