package dev.parley.chat.testkit.transport;

import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A raw client that speaks {@code permessage-deflate} (RFC 7692) itself, with the JDK's deflater
 * and inflater, so that tests see the bits on the wire: RSV1, the stripped tail, context takeover.
 * Not thread-safe; one test thread uses it.
 */
final class DeflatePeer implements AutoCloseable {
  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

  /**
   * One message as received.
   *
   * @param opcode text or binary
   * @param compressed whether its frame had RSV1 set
   * @param payload the message, inflated if it was compressed
   * @param wireBytes the payload's size on the wire
   */
  record Message(int opcode, boolean compressed, byte[] payload, int wireBytes) {}

  private final RawWebSocket raw;
  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  private final Inflater inflater = new Inflater(true);
  private final int status;
  private boolean clientContextTakeover = true;
  private boolean serverContextTakeover = true;

  private DeflatePeer(RawWebSocket raw, int status) {
    this.raw = raw;
    this.status = status;
    String agreed = raw.acceptedExtensions();
    if (agreed != null) {
      serverContextTakeover = !agreed.contains("server_no_context_takeover");
      clientContextTakeover = !agreed.contains("client_no_context_takeover");
    }
  }

  /**
   * Connects and upgrades, offering {@code offer} as {@code Sec-WebSocket-Extensions} ({@code
   * null}: no header).
   */
  static DeflatePeer connect(
      InetSocketAddress address, String path, String subprotocol, String offer) throws IOException {
    RawWebSocket raw = RawWebSocket.open(address, 0);
    String header = offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n";
    int status = raw.handshake(path, subprotocol, header);
    return new DeflatePeer(raw, status);
  }

  int status() {
    return status;
  }

  RawWebSocket raw() {
    return raw;
  }

  /** The extension the server agreed to, or {@code null}. */
  String agreed() {
    return raw.acceptedExtensions();
  }

  /** Whether this peer keeps its compressor's window (the server did not forbid it). */
  boolean clientContextTakeover() {
    return clientContextTakeover;
  }

  /** Compresses {@code message} as RFC 7692 says; returns the frame payload (tail stripped). */
  byte[] compress(byte[] message) {
    deflater.setInput(message);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    int produced;
    do {
      produced = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
      out.write(chunk, 0, produced);
    } while (produced == chunk.length);
    byte[] compressed = out.toByteArray();
    if (!clientContextTakeover) {
      deflater.reset();
    }
    return Arrays.copyOf(compressed, compressed.length - TAIL.length);
  }

  /** Sends {@code message} compressed in one frame with RSV1. */
  void sendCompressed(int opcode, byte[] message) throws IOException {
    raw.sendFrame(opcode, true, 4, compress(message));
  }

  /** Sends {@code message} compressed, split into {@code parts} frames (RSV1 on the first). */
  void sendCompressedInParts(int opcode, byte[] message, int parts) throws IOException {
    byte[] compressed = compress(message);
    int step = Math.max(1, compressed.length / parts);
    int from = 0;
    for (int i = 0; i < parts; i++) {
      int to = i == parts - 1 ? compressed.length : Math.min(compressed.length, from + step);
      raw.sendFrame(
          i == 0 ? opcode : RawWebSocket.CONTINUATION,
          i == parts - 1,
          i == 0 ? 4 : 0,
          Arrays.copyOfRange(compressed, from, to));
      from = to;
    }
  }

  /**
   * The next text or binary message, inflated if RSV1 was set (the server sends each in one frame);
   * {@code null} if none arrived within {@code timeoutMillis}.
   */
  Message readMessage(int timeoutMillis) throws IOException {
    while (true) {
      RawWebSocket.Frame frame = raw.readFrame(timeoutMillis);
      if (frame == null) {
        return null;
      }
      if (frame.opcode() == RawWebSocket.PING || frame.opcode() == RawWebSocket.PONG) {
        continue;
      }
      if (frame.opcode() == RawWebSocket.CLOSE) {
        throw new IOException("server closed with " + frame.closeCode());
      }
      if (!frame.fin()) {
        throw new IOException("server fragmented a message");
      }
      byte[] payload = frame.rsv1() ? inflate(frame.payload()) : frame.payload();
      return new Message(frame.opcode(), frame.rsv1(), payload, frame.payload().length);
    }
  }

  private byte[] inflate(byte[] compressed) throws IOException {
    byte[] input = Arrays.copyOf(compressed, compressed.length + TAIL.length);
    System.arraycopy(TAIL, 0, input, compressed.length, TAIL.length);
    inflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      while (!inflater.finished()) {
        int produced = inflater.inflate(chunk);
        out.write(chunk, 0, produced);
        if (produced == 0) {
          if (inflater.needsDictionary()) {
            throw new IOException("server's deflate data needs a dictionary");
          }
          if (inflater.needsInput()) {
            break;
          }
        }
      }
    } catch (DataFormatException e) {
      throw new IOException("server's deflate data is invalid: " + e.getMessage(), e);
    }
    if (!serverContextTakeover || inflater.finished()) {
      inflater.reset();
    }
    return out.toByteArray();
  }

  /** Reads until the server's close frame; its code, 1006 without one, -1 on timeout. */
  int awaitClose(int timeoutMillis) throws IOException {
    return raw.awaitClose(timeoutMillis);
  }

  @Override
  public void close() {
    raw.close();
    deflater.end();
    inflater.end();
  }
}
