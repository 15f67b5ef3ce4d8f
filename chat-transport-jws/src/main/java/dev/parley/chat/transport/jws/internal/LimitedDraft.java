package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.spi.ServerTransportConfig;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.protocols.IProtocol;

/**
 * RFC 6455 as Java-WebSocket speaks it, with the limits Parley needs. One instance per connection
 * (Java-WebSocket calls {@link #copyInstance()} for each handshake); its decoding state is confined
 * to the connection's worker thread, its byte counter is thread-safe.
 *
 * <p>What {@code Draft_6455} 1.6.0 already does with its {@code maxFrameSize} argument (set here to
 * {@code maxMessageBytes}): it rejects a single frame from its length header, before allocating
 * (close 1009), and it checks a fragmented message's total on its first and last frame. What it
 * does not (Java-WebSocket issue #1508): middle continuation frames are buffered unchecked, so a
 * message that never ends grows without bound, and nothing limits how many frames a message takes.
 * This class closes both gaps in {@link #processFrame} before the frame is buffered, caps the
 * upgrade request in {@link #translateHandshake} (the library accumulates an incomplete request
 * without bound, issue #1090), and encodes outgoing frames itself so that a caller's buffer is only
 * read, never flipped, and every byte queued for the socket is counted.
 */
final class LimitedDraft extends Draft_6455 {
  /** Largest frame header: 2 bytes, 8 of extended length, 4 of mask. */
  private static final int MAX_FRAME_HEADER_BYTES = 14;

  private final ServerTransportConfig config;
  private final List<IProtocol> offers;
  private final UpgradeRefusal refusal;
  private final AtomicLong enqueuedBytes = new AtomicLong();
  private int fragments;
  private long fragmentBytes;

  LimitedDraft(ServerTransportConfig config) {
    this(config, SubprotocolOffer.offers(config.subprotocols()), null);
  }

  private LimitedDraft(
      ServerTransportConfig config, List<IProtocol> offers, UpgradeRefusal refusal) {
    super(List.of(), offers, config.maxMessageBytes());
    this.config = config;
    this.offers = offers;
    this.refusal = refusal;
  }

  /**
   * This draft for one socket, recording why it refuses that socket's upgrade in {@code refusal}.
   */
  LimitedDraft refusingWith(UpgradeRefusal refusal) {
    return new LimitedDraft(config, offers, refusal);
  }

  @Override
  public Draft copyInstance() {
    return new LimitedDraft(config, offers, refusal);
  }

  private void refuseWith(int status) {
    if (refusal != null) {
      refusal.refuseWith(status);
    }
  }

  /**
   * Java-WebSocket's decision, and when it refuses an upgrade on the right path, the status to
   * answer with: 426 for a WebSocket upgrade of a version other than 13, else 400 (not an upgrade,
   * or the client asked only for subprotocols this server does not offer). On another path the
   * library's 404 stays.
   */
  @Override
  public HandshakeState acceptHandshakeAsServer(ClientHandshake request)
      throws InvalidHandshakeException {
    HandshakeState state = super.acceptHandshakeAsServer(request);
    if (state == HandshakeState.NOT_MATCHED && onPath(request)) {
      boolean upgrade =
          request.getFieldValue("Upgrade").toLowerCase(Locale.ROOT).contains("websocket");
      boolean version13 = "13".equals(request.getFieldValue("Sec-WebSocket-Version").trim());
      refuseWith(upgrade && !version13 ? 426 : 400);
    }
    return state;
  }

  private boolean onPath(ClientHandshake request) {
    String target = request.getResourceDescriptor();
    int query = target.indexOf('?');
    return (query < 0 ? target : target.substring(0, query)).equals(config.path());
  }

  /** The subprotocol negotiated by the handshake, or {@code null} before it completed. */
  String negotiatedSubprotocol() {
    return getProtocol() instanceof SubprotocolOffer offer ? offer.negotiated() : null;
  }

  /** Bytes this draft has encoded for the socket so far: the upgrade answer and every frame. */
  long enqueuedBytes() {
    return enqueuedBytes.get();
  }

  /**
   * Parses the upgrade request only once its header is complete, and refuses it when the header
   * (request line, fields and the empty line) takes more than {@code maxHandshakeBytes}, complete
   * or not. Refusing here makes Java-WebSocket close the socket after an answer, 431 (see {@link
   * UpgradeRefusal}).
   */
  @Override
  public Handshakedata translateHandshake(ByteBuffer request) throws InvalidHandshakeException {
    int limit = config.maxHandshakeBytes();
    int available = request.remaining();
    if (headerLength(request, limit) < 0) {
      if (available >= limit) {
        refuseWith(431);
        throw new InvalidHandshakeException("upgrade request larger than " + limit + " bytes");
      }
      // Ask for a buffer just big enough; the library's default is its 64 KiB read buffer.
      throw new IncompleteHandshakeException(Math.min(limit, available + 512));
    }
    return super.translateHandshake(request);
  }

  /**
   * The length of the HTTP header at the buffer's position, through its empty line, if it ends
   * within {@code limit} bytes; -1 otherwise. Does not move the buffer.
   */
  static int headerLength(ByteBuffer buffer, int limit) {
    int start = buffer.position();
    int end = start + Math.min(buffer.remaining(), limit);
    for (int i = start; i + 3 < end; i++) {
      if (buffer.get(i) == '\r'
          && buffer.get(i + 1) == '\n'
          && buffer.get(i + 2) == '\r'
          && buffer.get(i + 3) == '\n') {
        return i + 4 - start;
      }
    }
    return -1;
  }

  /** Caps what the frame decoder may allocate at once, as a second line behind the length check. */
  @Override
  public int checkAlloc(int bytecount) throws InvalidDataException {
    if (bytecount > config.maxMessageBytes() + MAX_FRAME_HEADER_BYTES) {
      throw new LimitExceededException(
          "frame larger than " + config.maxMessageBytes() + " bytes", config.maxMessageBytes());
    }
    return super.checkAlloc(bytecount);
  }

  /**
   * Counts a fragmented message's frames and bytes before the library buffers them: more than
   * {@code maxFragmentsPerMessage} frames closes with 1002, more than {@code maxMessageBytes} in
   * total with 1009. Control frames between fragments are not counted.
   */
  @Override
  public void processFrame(WebSocketImpl socket, Framedata frame) throws InvalidDataException {
    Opcode opcode = frame.getOpcode();
    if (opcode == Opcode.CONTINUOUS) {
      fragments++;
      fragmentBytes += frame.getPayloadData().remaining();
      if (fragments > config.maxFragmentsPerMessage()) {
        resetMessage();
        throw new InvalidDataException(
            CloseFrame.PROTOCOL_ERROR,
            "message split into more than " + config.maxFragmentsPerMessage() + " frames");
      }
      if (fragmentBytes > config.maxMessageBytes()) {
        resetMessage();
        throw new LimitExceededException(
            "message larger than " + config.maxMessageBytes() + " bytes", config.maxMessageBytes());
      }
    } else if (opcode == Opcode.TEXT || opcode == Opcode.BINARY) {
      fragments = 1;
      fragmentBytes = frame.getPayloadData().remaining();
    }
    super.processFrame(socket, frame);
    boolean dataFrame =
        opcode == Opcode.CONTINUOUS || opcode == Opcode.TEXT || opcode == Opcode.BINARY;
    if (dataFrame && frame.isFin()) {
      resetMessage();
    }
  }

  private void resetMessage() {
    fragments = 0;
    fragmentBytes = 0;
  }

  /**
   * Encodes an outgoing (unmasked, server-side) frame. Reads the payload through a duplicate, so a
   * buffer shared by many connections keeps its position and limit, and works for read-only and
   * direct buffers too ({@code Draft_6455} flips the payload and, when trace logging is on, calls
   * {@code array()} on it).
   */
  @Override
  public ByteBuffer createBinaryFrame(Framedata frame) {
    ByteBuffer payload = frame.getPayloadData().duplicate();
    int length = payload.remaining();
    int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuffer encoded = ByteBuffer.allocate(header + length);
    encoded.put((byte) ((frame.isFin() ? 0x80 : 0) | opcodeBits(frame.getOpcode())));
    if (length <= 125) {
      encoded.put((byte) length);
    } else if (length <= 0xFFFF) {
      encoded.put((byte) 126);
      encoded.putShort((short) length);
    } else {
      encoded.put((byte) 127);
      encoded.putLong(length);
    }
    encoded.put(payload);
    encoded.flip();
    enqueuedBytes.addAndGet(encoded.remaining());
    return encoded;
  }

  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
    List<ByteBuffer> buffers = super.createHandshake(handshake, withContent);
    for (ByteBuffer buffer : buffers) {
      enqueuedBytes.addAndGet(buffer.remaining());
    }
    return buffers;
  }

  private static int opcodeBits(Opcode opcode) {
    return switch (opcode) {
      case CONTINUOUS -> 0x0;
      case TEXT -> 0x1;
      case BINARY -> 0x2;
      case CLOSING -> 0x8;
      case PING -> 0x9;
      case PONG -> 0xA;
    };
  }
}
