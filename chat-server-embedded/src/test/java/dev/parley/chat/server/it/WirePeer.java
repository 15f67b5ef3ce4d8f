package dev.parley.chat.server.it;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.JsonFrameCodec;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One user speaking the protocol by hand, binary or JSON: requests with their own ids, answers
 * matched by id, every pushed frame kept in order. Not thread-safe (one test thread).
 */
final class WirePeer implements AutoCloseable {
  final RawWebSocket ws;
  final boolean json;
  final Envelope welcome;

  /** Every frame that answered no request of this peer's, in arrival order. */
  final List<Envelope> pushed = new ArrayList<>();

  private long nextId = 100;

  private WirePeer(RawWebSocket ws, boolean json, Envelope welcome) {
    this.ws = ws;
    this.json = json;
    this.welcome = welcome;
  }

  static WirePeer connect(ChatServer server, String user, boolean json, String... resume)
      throws IOException {
    RawWebSocket ws =
        RawWebSocket.connect(
            server.address(),
            server.webSocketUri().getPath(),
            json ? Protocol.SUBPROTOCOL_JSON : Protocol.SUBPROTOCOL_PROTOBUF);
    Connect.Builder connect = Connect.newBuilder().setProtocolVersion(1).setToken(user);
    for (String room : resume) {
      connect.addResume(RoomPosition.newBuilder().setRoom(room));
    }
    Envelope hello = Envelope.newBuilder().setRequestId(1).setConnect(connect).build();
    send(ws, json, hello);
    Envelope welcome = read(ws, json);
    if (welcome == null || !welcome.hasWelcome()) {
      throw new IOException("no Welcome: " + welcome);
    }
    return new WirePeer(ws, json, welcome);
  }

  /** Sends the request with a fresh id and returns the frame that answers it (null: none came). */
  Envelope request(Envelope.Builder request) throws IOException {
    long id = nextId++;
    send(ws, json, request.setRequestId(id).build());
    while (true) {
      Envelope e = read(ws, json);
      if (e == null) {
        return null;
      }
      if (e.getRequestId() == id) {
        return e;
      }
      pushed.add(e);
    }
  }

  /** Sends without waiting (fire-and-forget signals). */
  void fire(Envelope.Builder request) throws IOException {
    send(ws, json, request.setRequestId(nextId++).build());
  }

  /** The next pushed frame with this body, from those kept or still to come; null if none came. */
  Envelope awaitPushed(Envelope.BodyCase body) throws IOException {
    for (int i = 0; i < pushed.size(); i++) {
      if (pushed.get(i).getBodyCase() == body) {
        return pushed.remove(i);
      }
    }
    while (true) {
      Envelope e = read(ws, json);
      if (e == null || e.getBodyCase() == body) {
        return e;
      }
      pushed.add(e);
    }
  }

  private static void send(RawWebSocket ws, boolean json, Envelope e) throws IOException {
    if (json) {
      ws.sendText(JsonFrameCodec.encode(e));
    } else {
      ws.sendBinary(e.toByteArray());
    }
  }

  private static Envelope read(RawWebSocket ws, boolean json) throws IOException {
    while (true) {
      RawWebSocket.Frame frame = ws.readFrame(10_000);
      if (frame == null || frame.opcode() == RawWebSocket.CLOSE) {
        return null;
      }
      try {
        if (frame.opcode() == RawWebSocket.BINARY && !json) {
          return BinaryFrames.decode(ByteBuffer.wrap(frame.payload()));
        }
        if (frame.opcode() == RawWebSocket.TEXT && json) {
          return JsonFrameCodec.decode(
              new String(frame.payload(), java.nio.charset.StandardCharsets.UTF_8));
        }
      } catch (FrameDecodeException e) {
        throw new IOException(e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    ws.close();
  }
}
