package dev.parley.chat.benchmarks.load;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Connect;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.HistoryPage;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import dev.parley.chat.protocol.internal.RoomPosition;
import dev.parley.chat.protocol.internal.Send;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Parley's protocol (Protobuf subprotocol) as a load client speaks it: Connect (with resume after a
 * reconnect), Join, Send with an 8-byte payload carrying the intended send time; after a resume it
 * reads the missed messages with forward history pages before it counts as ready. Stateless and
 * thread-safe; per-connection state lives in {@link LoadConnection}.
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
    Connect.Builder connect =
        Connect.newBuilder()
            .setProtocolVersion(Protocol.VERSION)
            .setToken(connection.user())
            .setClientName("parley-load");
    if (connection.lastSeq() > 0) {
      connect.addResume(
          RoomPosition.newBuilder().setRoom(connection.room()).setLastSeq(connection.lastSeq()));
    }
    connection.write(encode(Envelope.newBuilder().setRequestId(1).setConnect(connect).build()));
  }

  @Override
  public void received(LoadConnection connection, ByteBuf frame) {
    Envelope envelope;
    try {
      envelope = Envelope.parseFrom(new ByteBufInputStream(frame.duplicate()));
    } catch (InvalidProtocolBufferException e) {
      connection.failed("undecodable frame: " + e.getMessage());
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    switch (envelope.getBodyCase()) {
      case MESSAGE -> message(connection, envelope.getMessage(), true);
      case WELCOME -> {
        if (envelope.getWelcome().getRejoinedCount() > 0) {
          rejoined(connection, envelope.getWelcome().getRejoined(0));
        } else {
          connection.write(
              encode(
                  Envelope.newBuilder()
                      .setRequestId(2)
                      .setJoin(Join.newBuilder().setRoom(connection.room()))
                      .build()));
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
            Envelope.newBuilder()
                .setRequestId(3)
                .setHistoryRequest(
                    HistoryRequest.newBuilder()
                        .setRoom(connection.room())
                        .setFromSeq(connection.lastSeq() + 1)
                        .setDirection(Direction.FORWARD)
                        .setLimit(PAGE))
                .build()));
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

  @Override
  public ByteBuf send(LoadConnection connection, long intendedNanos, ByteBufAllocator alloc) {
    byte[] stamp = ByteBuffer.allocate(Long.BYTES).putLong(intendedNanos).array();
    Envelope envelope =
        Envelope.newBuilder()
            .setSend(
                Send.newBuilder()
                    .setRoom(connection.room())
                    .setClientMessageId(Long.toString(connection.nextMessageId()))
                    .setText(text)
                    .setPayload(ByteString.copyFrom(stamp)))
            .build();
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
    return io.netty.buffer.Unpooled.wrappedBuffer(envelope.toByteArray());
  }

  @Override
  public boolean resumes() {
    return true;
  }
}
