package dev.parley.chat.server.it;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.JsonFrameCodec;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hand-driven connection in either subprotocol: frames go out and come back through the same
 * codec the server uses (binary Protobuf, or JSON text), and the JSON text of every frame read is
 * kept for assertions on its shape. Not thread-safe: one test thread drives it.
 */
final class RawSession implements AutoCloseable {
  final RawWebSocket ws;
  final boolean json;
  final List<String> texts = new CopyOnWriteArrayList<>();
  private int closeCode = -1;

  private RawSession(RawWebSocket ws, boolean json) {
    this.ws = ws;
    this.json = json;
  }

  static RawSession open(ChatServer server, boolean json) throws IOException {
    RawWebSocket ws =
        RawWebSocket.connect(
            server.address(),
            server.webSocketUri().getPath(),
            json ? Protocol.SUBPROTOCOL_JSON : Protocol.SUBPROTOCOL_PROTOBUF);
    return new RawSession(ws, json);
  }

  /** Opens a connection and sends Connect (request id 1) with {@code token}; returns Welcome. */
  static RawSession connected(ChatServer server, boolean json, String token, List<String> out)
      throws IOException {
    RawSession session = open(server, json);
    session.send(EnvelopeCodec.connect(1, token, "raw", "1", List.of()));
    Envelope welcome = session.read();
    if (welcome == null || !welcome.hasWelcome()) {
      throw new IOException("no Welcome: " + welcome);
    }
    if (out != null) {
      out.add(json ? session.texts.get(session.texts.size() - 1) : welcome.toString());
    }
    return session;
  }

  void send(Envelope envelope) throws IOException {
    if (json) {
      ws.sendText(JsonFrameCodec.encode(envelope));
    } else {
      ws.sendBinary(envelope.toByteArray());
    }
  }

  /**
   * The next envelope, skipping WebSocket pings; null on close (see {@link #closeCode}) or quiet.
   */
  Envelope read() throws IOException {
    return read(10_000);
  }

  Envelope read(int timeoutMillis) throws IOException {
    while (true) {
      RawWebSocket.Frame frame = ws.readFrame(timeoutMillis);
      if (frame == null) {
        return null;
      }
      if (frame.opcode() == RawWebSocket.CLOSE) {
        closeCode = frame.closeCode();
        return null;
      }
      try {
        if (frame.opcode() == RawWebSocket.TEXT) {
          String text = new String(frame.payload(), StandardCharsets.UTF_8);
          texts.add(text);
          return JsonFrameCodec.decode(text);
        }
        if (frame.opcode() == RawWebSocket.BINARY) {
          return BinaryFrames.decode(ByteBuffer.wrap(frame.payload()));
        }
      } catch (FrameDecodeException e) {
        throw new IOException(e);
      }
    }
  }

  /** The next envelope with this body, skipping others; null on close or quiet. */
  Envelope await(Envelope.BodyCase body, int timeoutMillis) throws IOException {
    while (true) {
      Envelope e = read(timeoutMillis);
      if (e == null || e.getBodyCase() == body) {
        return e;
      }
    }
  }

  /** Reads until the server's close frame; its code, or -1 if none came in time. */
  int awaitClose(int timeoutMillis) throws IOException {
    while (closeCode < 0) {
      if (read(timeoutMillis) == null && closeCode < 0) {
        return -1;
      }
    }
    return closeCode;
  }

  /** The close code read so far, or -1. */
  int closeCode() {
    return closeCode;
  }

  @Override
  public void close() {
    ws.close();
  }
}
