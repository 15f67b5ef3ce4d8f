package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.cluster.redis.internal.BusEvent.MessageStored;
import dev.parley.chat.cluster.redis.internal.BusEvent.NodeDown;
import dev.parley.chat.cluster.redis.internal.BusEvent.Origin;
import dev.parley.chat.cluster.redis.internal.BusEvent.PresenceChanged;
import dev.parley.chat.cluster.redis.internal.BusEvent.Rejoined;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The binary form of a {@link BusEvent} on the Redis channel. Hand-written rather than Protobuf so
 * that every field survives exactly: the timestamp to the nanosecond (the stores keep nanoseconds),
 * and any Java string, even one with an unpaired surrogate, which UTF-8 cannot carry.
 *
 * <pre>
 * event   = version(1 byte, 1) kind(1 byte) string:nodeId int64:incarnation varint:sequence body
 * kind 1  = string:room varint:seq string:id string:sender string:clientMessageId
 *           zigzag:epochSecond varint:nano string:text bytes:payload
 * kind 2  = string:room string:user byte:online(0|1)
 * kind 3  = string:nodeId (the node that is down)
 * kind 4  = (nothing)
 * kind 5  = a message with attachments: the fields of kind 1, then varint:count (1 to 10) and per
 *           attachment string:id string:name string:contentType varint:size varint:width
 *           varint:height string:thumbnailId
 * string  = varint:(byteLength &lt;&lt; 1 | form) then the bytes: form 0 is UTF-8, form 1 UTF-16BE
 *           (used only for strings UTF-8 cannot hold)
 * bytes   = varint:length then the bytes
 * </pre>
 *
 * <p>Varints are unsigned LEB128; zigzag maps signed to unsigned first. A message without
 * attachments is still kind 1, with the same bytes as before attachments existed, so nodes of the
 * previous release read it; one of them refuses kind 5 as unknown, and its rooms catch up from the
 * store. Attachments travel as stored, without download links: each node adds its own when it
 * delivers. Stateless and thread-safe.
 */
public final class BusEventCodec {
  /** The format this codec writes and reads; events of another version are refused. */
  public static final int VERSION = 1;

  private static final int MESSAGE = 1;
  private static final int PRESENCE = 2;
  private static final int NODE_DOWN = 3;
  private static final int REJOINED = 4;
  private static final int MESSAGE_WITH_ATTACHMENTS = 5;

  private BusEventCodec() {}

  /** The bytes of {@code event}. */
  public static byte[] encode(BusEvent event) {
    Writer out = new Writer();
    out.writeByte(VERSION);
    out.writeByte(kindOf(event));
    Origin origin = event.origin();
    out.writeString(origin.nodeId());
    out.writeFixedLong(origin.incarnation());
    out.writeVarLong(origin.sequence());
    if (event instanceof MessageStored stored) {
      ChatMessage m = stored.message();
      out.writeString(m.room().value());
      out.writeVarLong(m.seq());
      out.writeString(m.id().value());
      out.writeString(m.sender().value());
      out.writeString(m.clientMessageId().value());
      out.writeVarLong(zigzag(m.timestamp().getEpochSecond()));
      out.writeVarLong(m.timestamp().getNano());
      out.writeString(m.text());
      out.writeBytes(m.payload());
      if (!m.attachments().isEmpty()) {
        out.writeVarLong(m.attachments().size());
        for (Attachment a : m.attachments()) {
          out.writeString(a.id());
          out.writeString(a.name());
          out.writeString(a.contentType());
          out.writeVarLong(a.size());
          out.writeVarLong(a.width());
          out.writeVarLong(a.height());
          out.writeString(a.thumbnailId());
        }
      }
    } else if (event instanceof PresenceChanged presence) {
      out.writeString(presence.room().value());
      out.writeString(presence.user().value());
      out.writeByte(presence.online() ? 1 : 0);
    } else if (event instanceof NodeDown down) {
      out.writeString(down.nodeId());
    }
    return out.toByteArray();
  }

  /**
   * The event in {@code bytes}.
   *
   * @throws IllegalArgumentException if the bytes are not an event of this {@link #VERSION}
   */
  public static BusEvent decode(byte[] bytes) {
    Reader in = new Reader(bytes);
    int version = in.readByte();
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "event format version "
              + version
              + " is not supported (this node reads "
              + VERSION
              + ")");
    }
    int kind = in.readByte();
    Origin origin = new Origin(in.readString(), in.readFixedLong(), in.readVarLong());
    BusEvent event =
        switch (kind) {
          case MESSAGE -> new MessageStored(origin, readMessage(in, false));
          case MESSAGE_WITH_ATTACHMENTS -> new MessageStored(origin, readMessage(in, true));
          case PRESENCE ->
              new PresenceChanged(
                  origin, RoomId.of(in.readString()), UserId.of(in.readString()), readBoolean(in));
          case NODE_DOWN -> new NodeDown(origin, in.readString());
          case REJOINED -> new Rejoined(origin);
          default -> throw new IllegalArgumentException("unknown event kind " + kind);
        };
    in.requireEnd();
    return event;
  }

  private static ChatMessage readMessage(Reader in, boolean withAttachments) {
    RoomId room = RoomId.of(in.readString());
    long seq = in.readVarLong();
    MessageId id = MessageId.of(in.readString());
    UserId sender = UserId.of(in.readString());
    ClientMessageId clientMessageId = ClientMessageId.of(in.readString());
    long epochSecond = unzigzag(in.readVarLong());
    long nano = in.readVarLong();
    if (nano < 0 || nano > 999_999_999) {
      throw new IllegalArgumentException("nanosecond field out of range: " + nano);
    }
    Instant timestamp = Instant.ofEpochSecond(epochSecond, nano);
    String text = in.readString();
    byte[] payload = in.readBytes();
    List<Attachment> attachments = withAttachments ? readAttachments(in) : List.of();
    return new ChatMessage(
        room, seq, id, sender, clientMessageId, timestamp, text, payload, attachments);
  }

  private static List<Attachment> readAttachments(Reader in) {
    long count = in.readVarLong();
    if (count < 1 || count > Attachment.MAX_PER_MESSAGE) {
      throw new IllegalArgumentException(
          "a message carries 1 to " + Attachment.MAX_PER_MESSAGE + " attachments, not " + count);
    }
    List<Attachment> attachments = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      String id = in.readString();
      String name = in.readString();
      String contentType = in.readString();
      long size = in.readVarLong();
      long width = in.readVarLong();
      long height = in.readVarLong();
      String thumbnailId = in.readString();
      if (size < 0
          || width > Integer.MAX_VALUE
          || height > Integer.MAX_VALUE
          || width < 0
          || height < 0) {
        throw new IllegalArgumentException("an attachment's size or dimensions overflow");
      }
      attachments.add(
          Attachment.of(id, name, contentType, size, (int) width, (int) height, thumbnailId));
    }
    return attachments;
  }

  private static boolean readBoolean(Reader in) {
    int value = in.readByte();
    if (value > 1) {
      throw new IllegalArgumentException("a flag must be 0 or 1, was " + value);
    }
    return value == 1;
  }

  private static int kindOf(BusEvent event) {
    if (event instanceof MessageStored stored) {
      return stored.message().attachments().isEmpty() ? MESSAGE : MESSAGE_WITH_ATTACHMENTS;
    } else if (event instanceof PresenceChanged) {
      return PRESENCE;
    } else if (event instanceof NodeDown) {
      return NODE_DOWN;
    }
    return REJOINED;
  }

  private static long zigzag(long value) {
    return (value << 1) ^ (value >> 63);
  }

  private static long unzigzag(long value) {
    return (value >>> 1) ^ -(value & 1);
  }

  /** Whether every surrogate in {@code s} is part of a pair, so that UTF-8 holds it exactly. */
  static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    void writeByte(int value) {
      out.write(value);
    }

    void writeFixedLong(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (value >>> shift));
      }
    }

    void writeVarLong(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }

    void writeString(String s) {
      if (isWellFormed(s)) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarLong((long) utf8.length << 1);
        out.writeBytes(utf8);
      } else {
        writeVarLong((long) s.length() * 2 << 1 | 1);
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          out.write(c >>> 8);
          out.write(c);
        }
      }
    }

    void writeBytes(byte[] bytes) {
      writeVarLong(bytes.length);
      out.writeBytes(bytes);
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int readByte() {
      require(1);
      return bytes[position++] & 0xFF;
    }

    long readFixedLong() {
      require(8);
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = value << 8 | (bytes[position++] & 0xFF);
      }
      return value;
    }

    long readVarLong() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = readByte();
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("varint longer than 64 bits at byte " + position);
    }

    String readString() {
      long header = readVarLong();
      int length = length(header >>> 1);
      require(length);
      int start = position;
      position += length;
      if ((header & 1) == 0) {
        return new String(bytes, start, length, StandardCharsets.UTF_8);
      }
      if (length % 2 != 0) {
        throw new IllegalArgumentException("UTF-16 string of odd length " + length);
      }
      char[] chars = new char[length / 2];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = (char) ((bytes[start + 2 * i] & 0xFF) << 8 | (bytes[start + 2 * i + 1] & 0xFF));
      }
      return new String(chars);
    }

    byte[] readBytes() {
      int length = length(readVarLong());
      require(length);
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    void requireEnd() {
      if (position != bytes.length) {
        throw new IllegalArgumentException(
            (bytes.length - position) + " unexpected bytes after the event");
      }
    }

    private int length(long length) {
      if (length < 0 || length > bytes.length - position) {
        throw new IllegalArgumentException(
            "length " + length + " at byte " + position + " runs past the event's end");
      }
      return (int) length;
    }

    private void require(int count) {
      if (bytes.length - position < count) {
        throw new IllegalArgumentException("event ends early at byte " + position);
      }
    }
  }
}
