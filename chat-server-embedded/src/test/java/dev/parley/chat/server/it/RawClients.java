package dev.parley.chat.server.it;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Speaks the protocol by hand over {@link RawWebSocket}, for hostile-client tests. */
final class RawClients {
  private RawClients() {}

  static RawWebSocket connected(ChatServer server, String user) throws IOException {
    RawWebSocket ws =
        RawWebSocket.connect(
            server.address(), server.webSocketUri().getPath(), Protocol.SUBPROTOCOL_PROTOBUF);
    ws.sendBinary(
        Envelope.newBuilder()
            .setRequestId(1)
            .setConnect(Connect.newBuilder().setProtocolVersion(1).setToken(user))
            .build()
            .toByteArray());
    Envelope welcome = read(ws);
    if (welcome == null || !welcome.hasWelcome()) {
      throw new IOException("no Welcome: " + welcome);
    }
    return ws;
  }

  static void join(RawWebSocket ws, String room) throws IOException {
    ws.sendBinary(
        Envelope.newBuilder()
            .setRequestId(2)
            .setJoin(Join.newBuilder().setRoom(room))
            .build()
            .toByteArray());
  }

  /** The next Parley envelope, skipping pings; null if the socket closed or went quiet. */
  static Envelope read(RawWebSocket ws) throws IOException {
    while (true) {
      RawWebSocket.Frame frame = ws.readFrame(5_000);
      if (frame == null || frame.opcode() == RawWebSocket.CLOSE) {
        return null;
      }
      if (frame.opcode() == RawWebSocket.BINARY) {
        try {
          return BinaryFrames.decode(ByteBuffer.wrap(frame.payload()));
        } catch (FrameDecodeException e) {
          throw new IOException(e);
        }
      }
    }
  }

  /** The next envelope with the given body, skipping others (presence and so on). */
  static Envelope await(RawWebSocket ws, Envelope.BodyCase body) throws IOException {
    while (true) {
      Envelope e = read(ws);
      if (e == null || e.getBodyCase() == body) {
        return e;
      }
    }
  }
}
