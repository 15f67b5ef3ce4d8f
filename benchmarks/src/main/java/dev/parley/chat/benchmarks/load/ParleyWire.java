package dev.parley.chat.benchmarks.load;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.RoomPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Parley's protocol (Protobuf subprotocol) as a load client speaks it: Connect (with resume after a
 * reconnect), Join, Send with an 8-byte payload carrying the intended send time; after a resume it
 * reads the missed messages with forward history pages before it counts as ready. It counts every
 * frame it receives by body case ({@link LoadConnection#frames}) and, for members asked to, sends a
 * read receipt after deliveries (at most one a second). Stateless and thread-safe; per-connection
 * state lives in {@link LoadConnection}. Frames are built and read with the codec the server and
 * the client use ({@link EnvelopeCodec}, {@link BinaryFrames}).
 */
final class ParleyWire implements Wire {
  private static final int PAGE = 200;

  private final String text;

  ParleyWire(String text) {
    this.text = text;
  }

  @Override
  public String path(String room) {
    return Protocol.DEFAULT_PATH;
  }

  @Override
  public String subprotocol() {
    return Protocol.SUBPROTOCOL_PROTOBUF;
  }

  @Override
  public void opened(LoadConnection connection) {
    List<RoomPosition> resume =
        connection.lastSeq() > 0
            ? List.of(EnvelopeCodec.position(room(connection), connection.lastSeq()))
            : List.of();
    connection.write(
        encode(
            EnvelopeCodec.connect(
                1,
                connection.user(),
                "parley-load",
                "",
                resume,
                List.of(Protocol.FEATURE_PRESENCE_BATCH))));
  }

  @Override
  public void received(LoadConnection connection, ByteBuf frame) {
    int size = frame.readableBytes();
    Envelope envelope;
    try {
      envelope = BinaryFrames.decode(frame.nioBuffer());
    } catch (FrameDecodeException e) {
      connection.failed("undecodable frame: " + e.getMessage());
      return;
    }
    connection.frames().record(envelope.getBodyCase(), size);
    switch (envelope.getBodyCase()) {
      case MESSAGE -> {
        message(connection, envelope.getMessage(), true);
        if (connection.sendsReceipts()
            && connection.ready().isDone()
            && connection.takeReceiptTurn(System.nanoTime())) {
          connection.write(
              encode(EnvelopeCodec.readReceipt(0, room(connection), connection.lastSeq())));
        }
      }
      case WELCOME -> {
        if (envelope.getWelcome().getRejoinedCount() > 0) {
          rejoined(connection, envelope.getWelcome().getRejoined(0));
        } else {
          connection.write(encode(EnvelopeCodec.join(2, room(connection))));
        }
      }
      case JOINED -> connection.markReady();
      case HISTORY_PAGE -> page(connection, envelope.getHistoryPage());
      case ERROR ->
          connection.failed(
              envelope.getError().getName() + ": " + envelope.getError().getMessage());
      default -> {
        // acknowledgements, presence, typing, receipts, pongs: not measured
      }
    }
  }

  private void rejoined(LoadConnection connection, Joined joined) {
    connection.setCatchUpTarget(joined.getHeadSeq());
    if (connection.lastSeq() >= joined.getHeadSeq()) {
      connection.markReady();
    } else {
      requestPage(connection);
    }
  }

  private void page(LoadConnection connection, HistoryPage page) {
    for (Message m : page.getMessagesList()) {
      message(connection, m, false);
    }
    if (page.getHasMore() && connection.lastSeq() < connection.catchUpTarget()) {
      requestPage(connection);
    } else {
      connection.markReady();
    }
  }

  private void requestPage(LoadConnection connection) {
    connection.write(
        encode(
            EnvelopeCodec.history(
                3, room(connection), connection.lastSeq() + 1, Direction.FORWARD, PAGE)));
  }

  private static void message(LoadConnection connection, Message m, boolean live) {
    if (m.getSeq() <= connection.lastSeq()) {
      connection.duplicate();
      return;
    }
    if (live && connection.isCatchingUp()) {
      return; // the history page brings it; a resuming client holds live frames back
    }
    connection.setLastSeq(m.getSeq());
    ByteBuffer payload = m.getPayload().asReadOnlyByteBuffer();
    if (live && payload.remaining() >= Long.BYTES) {
      connection.delivered(payload.getLong(0));
    } else {
      connection.caughtUpMessage();
    }
  }

  /** A Typing(active) signal for the connection's room. */
  ByteBuf typing(LoadConnection connection) {
    return encode(EnvelopeCodec.typing(0, room(connection), true));
  }

  @Override
  public ByteBuf send(LoadConnection connection, long intendedNanos, ByteBufAllocator alloc) {
    byte[] stamp = ByteBuffer.allocate(Long.BYTES).putLong(intendedNanos).array();
    Envelope envelope =
        EnvelopeCodec.send(
            0,
            room(connection),
            ClientMessageId.of(Long.toString(connection.nextMessageId())),
            text,
            stamp);
    ByteBuf out = alloc.buffer(envelope.getSerializedSize());
    try {
      envelope.writeTo(new ByteBufOutputStream(out));
    } catch (IOException e) {
      out.release();
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static ByteBuf encode(Envelope envelope) {
    return Unpooled.wrappedBuffer(BinaryFrames.encode(envelope));
  }

  private static RoomId room(LoadConnection connection) {
    return RoomId.of(connection.room());
  }

  @Override
  public boolean resumes() {
    return true;
  }
}
