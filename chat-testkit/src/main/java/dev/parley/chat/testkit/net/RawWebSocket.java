package dev.parley.chat.testkit.net;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A deliberately minimal WebSocket client on a plain socket, for tests that must send what no
 * well-behaved library would: oversized or endless fragments, lying length headers, garbage, or a
 * client that never reads. Frames it sends are masked as RFC 6455 requires unless told otherwise.
 * Not thread-safe: one test thread drives it.
 */
public final class RawWebSocket implements AutoCloseable {
  /** Opcode of a continuation frame. */
  public static final int CONTINUATION = 0x0;

  /** Opcode of a text frame. */
  public static final int TEXT = 0x1;

  /** Opcode of a binary frame. */
  public static final int BINARY = 0x2;

  /** Opcode of a close frame. */
  public static final int CLOSE = 0x8;

  /** Opcode of a ping frame. */
  public static final int PING = 0x9;

  /** Opcode of a pong frame. */
  public static final int PONG = 0xA;

  /**
   * One frame received from the server.
   *
   * @param opcode the frame's opcode
   * @param fin whether it ends its message
   * @param payload its payload
   * @param rsv its three RSV bits (RSV1 is 4: a {@code permessage-deflate} compressed message)
   */
  public record Frame(int opcode, boolean fin, byte[] payload, int rsv) {
    /** A frame with no RSV bit set. */
    public Frame(int opcode, boolean fin, byte[] payload) {
      this(opcode, fin, payload, 0);
    }

    /** Whether RSV1 is set: the frame starts a compressed message. */
    public boolean rsv1() {
      return (rsv & 4) != 0;
    }

    /** The close code of a close frame (1005 when it carries none). */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final Random random = new Random(7);
  private String acceptedSubprotocol;
  private String acceptedExtensions;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Opens a TCP connection without any handshake. */
  public static RawWebSocket open(InetSocketAddress address, int receiveBufferBytes)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.connect(address, 5_000);
    socket.setSoTimeout(5_000);
    return new RawWebSocket(socket);
  }

  /**
   * Opens a TCP connection from the local address {@code from} (for example {@code 127.0.0.2}, to
   * be another peer address on a loopback interface that answers the whole 127.0.0.0/8), without
   * any handshake.
   *
   * @throws IOException also when {@code from} cannot be bound on this machine
   */
  public static RawWebSocket openFrom(InetSocketAddress address, java.net.InetAddress from)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(address, 5_000);
      socket.setSoTimeout(5_000);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return new RawWebSocket(socket);
  }

  /** Opens a connection and completes the WebSocket upgrade, asking for {@code subprotocol}. */
  public static RawWebSocket connect(InetSocketAddress address, String path, String subprotocol)
      throws IOException {
    RawWebSocket ws = open(address, 0);
    int status = ws.handshake(path, subprotocol, "");
    if (status != 101) {
      ws.close();
      throw new IOException("upgrade refused with HTTP " + status);
    }
    return ws;
  }

  /**
   * Sends an upgrade request with {@code extraHeaders} (each ending in CRLF) and reads the status
   * line and headers of the answer.
   *
   * @return the HTTP status, or -1 if the server closed the socket without answering
   */
  public int handshake(String path, String subprotocol, String extraHeaders) throws IOException {
    byte[] key = new byte[16];
    random.nextBytes(key);
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\n"
            + "Host: "
            + socket.getInetAddress().getHostAddress()
            + ":"
            + socket.getPort()
            + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: "
            + Base64.getEncoder().encodeToString(key)
            + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n")
            + extraHeaders
            + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String status;
    try {
      status = readLine();
    } catch (EOFException | java.net.SocketException e) {
      return -1;
    }
    if (status == null) {
      return -1;
    }
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-protocol:")) {
        acceptedSubprotocol = line.substring(line.indexOf(':') + 1).trim();
      }
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions:")) {
        acceptedExtensions = line.substring(line.indexOf(':') + 1).trim();
      }
    }
    String[] parts = status.split(" ");
    return parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
  }

  /** The subprotocol the server chose in its upgrade answer, or {@code null}. */
  public String acceptedSubprotocol() {
    return acceptedSubprotocol;
  }

  /**
   * The {@code Sec-WebSocket-Extensions} value of the server's upgrade answer, or {@code null} if
   * it agreed to no extension.
   */
  public String acceptedExtensions() {
    return acceptedExtensions;
  }

  /** Sends one masked frame. */
  public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
    sendFrame(opcode, fin, 0, payload);
  }

  /** Sends one masked frame with the RSV bits {@code rsv} (4 for RSV1, 2 for RSV2, 1 for RSV3). */
  public void sendFrame(int opcode, boolean fin, int rsv, byte[] payload) throws IOException {
    byte[] header = frameHeader(opcode, fin, payload.length, true);
    header[0] |= (byte) ((rsv & 7) << 4);
    out.write(header);
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    out.write(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    out.write(masked);
    out.flush();
  }

  /** Sends a complete binary message in one frame. */
  public void sendBinary(byte[] payload) throws IOException {
    sendFrame(BINARY, true, payload);
  }

  /** Sends a complete text message in one frame. */
  public void sendText(String text) throws IOException {
    sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes only a frame header that announces {@code length} payload bytes, and no payload: the
   * attack where a few bytes make a careless server allocate gigabytes.
   */
  public void sendHeaderOnly(int opcode, long length) throws IOException {
    out.write(frameHeader(opcode, true, length, true));
    out.write(new byte[4]);
    out.flush();
  }

  /** Writes raw bytes to the socket. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads the next frame, or returns {@code null} if the socket closed or nothing arrived within
   * {@code timeoutMillis}.
   */
  public Frame readFrame(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long length = b1 & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      if (length > 16 * 1024 * 1024) {
        throw new IOException("server frame too large for a test: " + length);
      }
      byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
      byte[] payload = in.readNBytes((int) length);
      if (payload.length != length) {
        return null;
      }
      if (mask != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i & 3];
        }
      }
      return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload, (b0 >>> 4) & 7);
    } catch (SocketTimeoutException | EOFException | java.net.SocketException e) {
      return null;
    }
  }

  /**
   * Reads frames until a close frame arrives or the socket ends, within {@code timeoutMillis}.
   *
   * @return the close code, 1006 if the socket ended without a close frame, or -1 on timeout
   */
  public int awaitClose(int timeoutMillis) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      int left = (int) Math.max(1, deadline - System.currentTimeMillis());
      Frame frame;
      try {
        socket.setSoTimeout(left);
        frame = readFrame(left);
      } catch (IOException e) {
        return 1006;
      }
      if (frame == null) {
        return isEndOfStream() ? 1006 : -1;
      }
      if (frame.opcode() == CLOSE) {
        return frame.closeCode();
      }
    }
    return -1;
  }

  /**
   * Bytes that arrived and were not read yet, without reading them (0 if the socket failed): lets a
   * test see that a frame arrived while it keeps it unread, like a peer slow to read.
   */
  public int bytesAvailable() {
    try {
      return in.available();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Whether the server has closed the TCP connection: reads and discards whatever is still in
   * flight (the rest of an HTTP error answer, say) and reports true at end of stream, false if the
   * socket stays open and silent for 200 ms.
   */
  public boolean isEndOfStream() {
    try {
      socket.setSoTimeout(200);
      byte[] discard = new byte[4096];
      while (true) {
        if (in.read(discard) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    InputStream stream = in;
    int c;
    while ((c = stream.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = line.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.US_ASCII);
      }
      line.write(c);
      if (line.size() > 16 * 1024) {
        throw new IOException("header line too long");
      }
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  private static byte[] frameHeader(int opcode, boolean fin, long length, boolean masked) {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write((fin ? 0x80 : 0) | opcode);
    int maskBit = masked ? 0x80 : 0;
    if (length < 126) {
      header.write(maskBit | (int) length);
    } else if (length <= 0xffff) {
      header.write(maskBit | 126);
      header.write((int) (length >>> 8) & 0xff);
      header.write((int) length & 0xff);
    } else {
      header.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        header.write((int) (length >>> shift) & 0xff);
      }
    }
    return header.toByteArray();
  }
}
