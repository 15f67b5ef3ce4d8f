package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.protocol.internal.PerMessageDeflate;
import dev.parley.chat.spi.ServerTransportConfig;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.HandshakeState;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.IncompleteHandshakeException;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidHandshakeException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.protocols.IProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>Invalid input from a peer (a frame over the limit, too many fragments, an unknown opcode, a
 * continuation without a message, text or a close reason that is not UTF-8) is handled here, never
 * thrown: {@code WebSocketImpl.decodeFrames} logs every exception it catches at ERROR with a stack
 * trace, and {@code Draft_6455.processFrame} logs some violations at ERROR before throwing, so any
 * peer could fill the server's log. Instead, {@link #translateFrame} and {@link #processFrame}
 * close the connection with the matching code (1002, 1007 or 1009), report it through the
 * transport's rate-limited {@link PeerFaultLog}, and decode nothing more from that connection.
 * Frames decoded from the same read before the bad one are dropped with it.
 *
 * <p>With {@code permessage-deflate} configured, a {@link DeflateExtension} negotiates it and
 * checks RSV bits; this class inflates each frame of a compressed message in {@link #processFrame},
 * before the limits are counted, so that they apply to the inflated bytes (1009 as soon as the
 * message inflates past {@code maxMessageBytes}, 1007 for data that does not inflate), and
 * compresses outgoing messages in {@link #createBinaryFrame}. The compressor and decompressor are
 * guarded by one lock and freed by {@link #release} when the socket ends; compressing in the order
 * messages reach the socket is the caller's duty ({@link JwsConnection} sends one message at a
 * time).
 */
final class LimitedDraft extends Draft_6455 {
  /** Largest frame header: 2 bytes, 8 of extended length, 4 of mask. */
  private static final int MAX_FRAME_HEADER_BYTES = 14;

  private static final Logger log = LoggerFactory.getLogger(LimitedDraft.class);

  private final ServerTransportConfig config;
  private final List<IProtocol> offers;
  private final PeerFaultLog faults;
  private final UpgradeRefusal refusal;
  private final AtomicLong enqueuedBytes = new AtomicLong();
  private int fragments;
  private long fragmentBytes;

  // Where the frame headers are in the byte stream, to check each one's mask bit: the bytes of the
  // current frame still to come, and the part of a header read so far.
  private long frameBytesLeft;
  private final byte[] header = new byte[10];
  private int headerBytes;
  // a close frame's mask and payload while they arrive, to check its reason; null otherwise
  private byte[] closePayload;
  private int closeBytes;

  /** Set once the peer sent invalid input; from then on nothing more is decoded. */
  private InvalidDataException violation;

  // permessage-deflate, once negotiated: created on first use, guarded by deflateLock
  private final Object deflateLock = new Object();
  private PerMessageDeflate.Compressor compressor;
  private PerMessageDeflate.Decompressor decompressor;
  private boolean released;
  private boolean compressedMessage; // the message in progress started with RSV1

  /**
   * @param ticker the clock for the rate limit of the fault log, in nanoseconds
   */
  LimitedDraft(ServerTransportConfig config, LongSupplier ticker) {
    this(
        config,
        SubprotocolOffer.offers(config.subprotocols()),
        new PeerFaultLog(ticker, line -> log.info("{}", line)),
        null);
  }

  private LimitedDraft(
      ServerTransportConfig config,
      List<IProtocol> offers,
      PeerFaultLog faults,
      UpgradeRefusal refusal) {
    super(extensions(config), offers, config.maxMessageBytes());
    this.config = config;
    this.offers = offers;
    this.faults = faults;
    this.refusal = refusal;
  }

  private static List<IExtension> extensions(ServerTransportConfig config) {
    return config.compression().enabled()
        ? List.of(new DeflateExtension(config.compression()))
        : List.of();
  }

  /** What {@code permessage-deflate} agreed with the client, or {@code null}: uncompressed. */
  PerMessageDeflate.Agreement deflateAgreement() {
    return getExtension() instanceof DeflateExtension deflate ? deflate.agreement() : null;
  }

  /** Frees the compressor and decompressor; the socket has ended. Thread-safe. */
  void release() {
    synchronized (deflateLock) {
      released = true;
      if (compressor != null) {
        compressor.close();
      }
      if (decompressor != null) {
        decompressor.close();
      }
    }
  }

  /**
   * This draft for one socket, recording why it refuses that socket's upgrade in {@code refusal}.
   */
  LimitedDraft refusingWith(UpgradeRefusal refusal) {
    return new LimitedDraft(config, offers, faults, refusal);
  }

  @Override
  public Draft copyInstance() {
    return new LimitedDraft(config, offers, faults, refusal);
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
   * Decodes frames; on invalid input returns a {@link Rejection} in their place (so that {@link
   * #processFrame} closes the connection) instead of throwing, and after that decodes nothing.
   */
  @Override
  public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
    if (violation != null) {
      buffer.position(buffer.limit());
      return List.of();
    }
    try {
      requireMasked(buffer);
      return super.translateFrame(buffer);
    } catch (InvalidDataException e) {
      buffer.position(buffer.limit());
      return List.of(new Rejection(e));
    } catch (RuntimeException e) {
      // Draft_6455 fails so on some input it should refuse (a close reason that is not UTF-8 makes
      // CloseFrame.isValid throw a NullPointerException); the input is the peer's fault
      buffer.position(buffer.limit());
      return List.of(
          new Rejection(
              new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "undecodable frame: " + e)));
    }
  }

  /**
   * Refuses a frame from the client that is not masked (RFC 6455 5.1: the server must close the
   * connection; {@code Draft_6455} 1.6.0 does not check), and a close frame whose reason is not
   * UTF-8. Follows the frame boundaries through {@code buffer} without moving it.
   */
  private void requireMasked(ByteBuffer buffer) throws InvalidDataException {
    for (int i = buffer.position(); i < buffer.limit(); ) {
      if (closePayload != null) {
        i = collectClosePayload(buffer, i);
        continue;
      }
      if (frameBytesLeft > 0) {
        long skip = Math.min(frameBytesLeft, buffer.limit() - i);
        frameBytesLeft -= skip;
        i += (int) skip;
        continue;
      }
      header[headerBytes++] = buffer.get(i++);
      if (headerBytes < 2) {
        continue;
      }
      if ((header[1] & 0x80) == 0) {
        throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "client frame not masked");
      }
      int lengthCode = header[1] & 0x7F;
      int lengthBytes = lengthCode == 127 ? 8 : lengthCode == 126 ? 2 : 0;
      if (headerBytes < 2 + lengthBytes) {
        continue;
      }
      long length = lengthCode;
      if (lengthBytes > 0) {
        length = 0;
        for (int b = 2; b < 2 + lengthBytes; b++) {
          length = (length << 8) | (header[b] & 0xFF);
        }
      }
      if (length < 0 || length > config.maxMessageBytes()) {
        return; // the library refuses the frame from its header
      }
      headerBytes = 0;
      if ((header[0] & 0x0F) == 0x8 && length > 2 && length <= 125) {
        closePayload = new byte[4 + (int) length];
        closeBytes = 0;
      } else {
        frameBytesLeft = 4 + length;
      }
    }
  }

  /**
   * Collects a close frame's mask and payload from {@code buffer} at {@code index}; once complete,
   * refuses a reason that is not UTF-8 with 1007 ({@code Draft_6455} throws a NullPointerException
   * there). Returns the index after the bytes taken.
   */
  private int collectClosePayload(ByteBuffer buffer, int index) throws InvalidDataException {
    int take = Math.min(closePayload.length - closeBytes, buffer.limit() - index);
    for (int i = 0; i < take; i++) {
      closePayload[closeBytes++] = buffer.get(index + i);
    }
    if (closeBytes == closePayload.length) {
      byte[] reason = new byte[closePayload.length - 6];
      for (int i = 0; i < reason.length; i++) {
        reason[i] = (byte) (closePayload[6 + i] ^ closePayload[(2 + i) & 3]);
      }
      closePayload = null;
      if (!isUtf8(ByteBuffer.wrap(reason))) {
        throw new InvalidDataException(CloseFrame.NO_UTF8, "close reason is not UTF-8");
      }
    }
    return index + take;
  }

  /**
   * Checks each frame before the library sees it: counts a fragmented message's frames and bytes
   * before they are buffered (more than {@code maxFragmentsPerMessage} frames closes with 1002,
   * more than {@code maxMessageBytes} in total with 1009; control frames between fragments are not
   * counted), refuses frames out of sequence (1002), and closes the connection on anything the
   * library refuses, without throwing.
   */
  @Override
  public void processFrame(WebSocketImpl socket, Framedata frame) {
    if (violation != null) {
      return;
    }
    if (frame instanceof Rejection rejection) {
      reject(socket, rejection.cause);
      return;
    }
    try {
      check(frame);
      super.processFrame(socket, frame);
    } catch (InvalidDataException e) {
      reject(socket, e);
      return;
    }
    Opcode opcode = frame.getOpcode();
    boolean dataFrame =
        opcode == Opcode.CONTINUOUS || opcode == Opcode.TEXT || opcode == Opcode.BINARY;
    if (dataFrame && frame.isFin()) {
      resetMessage();
    }
  }

  /**
   * Throws for what {@code Draft_6455.processFrame} would log at ERROR before refusing it, and for
   * Parley's own limits.
   */
  private void check(Framedata frame) throws InvalidDataException {
    Opcode opcode = frame.getOpcode();
    if (opcode == Opcode.CONTINUOUS) {
      if (fragments == 0) {
        throw new InvalidDataException(
            CloseFrame.PROTOCOL_ERROR, "continuation frame without a message to continue");
      }
      inflate(frame, compressedMessage);
      fragments++;
      fragmentBytes += frame.getPayloadData().remaining();
      if (fragments > config.maxFragmentsPerMessage()) {
        throw new InvalidDataException(
            CloseFrame.PROTOCOL_ERROR,
            "message split into more than " + config.maxFragmentsPerMessage() + " frames");
      }
      if (fragmentBytes > config.maxMessageBytes()) {
        throw new LimitExceededException(
            "message larger than " + config.maxMessageBytes() + " bytes", config.maxMessageBytes());
      }
    } else if (opcode == Opcode.TEXT || opcode == Opcode.BINARY) {
      if (fragments > 0) {
        throw new InvalidDataException(
            CloseFrame.PROTOCOL_ERROR, "new message before the previous one ended");
      }
      compressedMessage = frame.isRSV1();
      inflate(frame, compressedMessage);
      // The library checks a first text fragment on its own, split characters included. The
      // first part of a compressed message may end within a character: checked once complete.
      if (opcode == Opcode.TEXT
          && !frame.isFin()
          && !compressedMessage
          && !isUtf8(frame.getPayloadData())) {
        throw new InvalidDataException(CloseFrame.NO_UTF8, "text is not valid UTF-8");
      }
      fragments = 1;
      fragmentBytes = frame.getPayloadData().remaining();
    }
  }

  /** Replaces the payload of a frame of a compressed message with what it inflates to. */
  private void inflate(Framedata frame, boolean compressed) throws InvalidDataException {
    if (!compressed) {
      return;
    }
    PerMessageDeflate.Agreement agreement = deflateAgreement();
    if (agreement == null) {
      throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "RSV1 set, nothing negotiated");
    }
    ByteBuffer payload = ((DeflateExtension) getExtension()).takeCompressed(frame);
    ByteBuffer inflated;
    synchronized (deflateLock) {
      if (released) {
        throw new InvalidDataException(CloseFrame.GOING_AWAY, "connection ended");
      }
      if (decompressor == null) {
        decompressor = new PerMessageDeflate.Decompressor(agreement, config.maxMessageBytes());
      }
      try {
        inflated = decompressor.decompress(payload, frame.isFin());
      } catch (PerMessageDeflate.DeflateException e) {
        throw new InvalidDataException(e.closeCode(), e.getMessage());
      }
    }
    FramedataImpl1 data = (FramedataImpl1) frame;
    data.setPayload(inflated);
    data.setRSV1(false);
  }

  private static boolean isUtf8(ByteBuffer bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.duplicate());
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private void reject(WebSocketImpl socket, InvalidDataException e) {
    violation = e;
    resetMessage();
    int code = e.getCloseCode();
    String reason = e.getMessage() == null ? "invalid data" : e.getMessage();
    faults.closed(socket, code, reason);
    socket.close(code, reason);
  }

  private void resetMessage() {
    fragments = 0;
    fragmentBytes = 0;
    compressedMessage = false;
  }

  /**
   * Encodes an outgoing (unmasked, server-side) frame. Reads the payload through a duplicate, so a
   * buffer shared by many connections keeps its position and limit, and works for read-only and
   * direct buffers too ({@code Draft_6455} flips the payload and, when trace logging is on, calls
   * {@code array()} on it). With {@code permessage-deflate} negotiated, compresses a whole text or
   * binary message from the configured size on and sets RSV1.
   */
  @Override
  public ByteBuffer createBinaryFrame(Framedata frame) {
    ByteBuffer payload = frame.getPayloadData().duplicate();
    int rsv = 0;
    ByteBuffer compressed = compress(frame, payload);
    if (compressed != null) {
      payload = compressed;
      rsv = 0x40;
    }
    int length = payload.remaining();
    int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuffer encoded = ByteBuffer.allocate(header + length);
    encoded.put((byte) ((frame.isFin() ? 0x80 : 0) | rsv | opcodeBits(frame.getOpcode())));
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

  /** The compressed payload of {@code frame}, or {@code null} to send it as it is. */
  private ByteBuffer compress(Framedata frame, ByteBuffer payload) {
    Opcode opcode = frame.getOpcode();
    if ((opcode != Opcode.TEXT && opcode != Opcode.BINARY) || !frame.isFin()) {
      return null;
    }
    PerMessageDeflate.Agreement agreement = deflateAgreement();
    if (agreement == null) {
      return null;
    }
    synchronized (deflateLock) {
      if (released) {
        return null;
      }
      if (compressor == null) {
        compressor = new PerMessageDeflate.Compressor(config.compression(), agreement);
      }
      if (!compressor.compresses(payload.remaining())) {
        return null;
      }
      return ByteBuffer.wrap(compressor.compress(payload));
    }
  }

  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
    List<ByteBuffer> buffers = super.createHandshake(handshake, withContent);
    for (ByteBuffer buffer : buffers) {
      enqueuedBytes.addAndGet(buffer.remaining());
    }
    return buffers;
  }

  /** Stands for input the library refused to decode; never leaves this class. */
  private static final class Rejection implements Framedata {
    private final InvalidDataException cause;

    Rejection(InvalidDataException cause) {
      this.cause = cause;
    }

    @Override
    public boolean isFin() {
      return true;
    }

    @Override
    public boolean isRSV1() {
      return false;
    }

    @Override
    public boolean isRSV2() {
      return false;
    }

    @Override
    public boolean isRSV3() {
      return false;
    }

    @Override
    public boolean getTransfereMasked() {
      return false;
    }

    @Override
    public Opcode getOpcode() {
      return Opcode.CLOSING;
    }

    @Override
    public ByteBuffer getPayloadData() {
      return ByteBuffer.allocate(0);
    }

    @Override
    public void append(Framedata nextFrame) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String toString() {
      return "rejected input: " + cause.getMessage();
    }
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
