package dev.parley.chat.testkit.transport;

import dev.parley.chat.testkit.net.RawWebSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Hostile or broken peers on plain sockets, built on {@link RawWebSocket}. */
final class RawPeers {
  private RawPeers() {}

  /**
   * Sends an upgrade request and returns the HTTP status of the answer, or -1 if the server closed
   * (or reset) the socket without answering. The socket stays open for the caller to inspect.
   */
  static int handshakeStatus(RawWebSocket raw, String path, String subprotocol, String headers) {
    try {
      return raw.handshake(path, subprotocol, headers);
    } catch (IOException e) {
      return -1;
    }
  }

  /** Opens a socket and tries the upgrade; returns the status (101 when upgraded). */
  static int tryUpgrade(InetSocketAddress address, String path, String subprotocol) {
    try (RawWebSocket raw = RawWebSocket.open(address, 0)) {
      return handshakeStatus(raw, path, subprotocol, "");
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Reads (and discards) until the server closes the socket; returns how long that took from the
   * call. Fails if the socket is still open after {@code timeout}.
   */
  static Duration awaitEndOfStream(RawWebSocket raw, Duration timeout) {
    long start = System.nanoTime();
    try {
      // Polled on this thread: the socket has one reader. Each check reads for up to 200 ms.
      Awaitility.await("the server to close the socket")
          .atMost(timeout)
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .until(raw::isEndOfStream);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("server did not close the socket within " + timeout, e);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** A masked close frame carrying {@code code} and no reason, as a client sends it. */
  static byte[] closeFrame(int code) {
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    return new byte[] {
      (byte) 0x88,
      (byte) 0x82,
      mask[0],
      mask[1],
      mask[2],
      mask[3],
      (byte) ((code >>> 8) ^ mask[0]),
      (byte) (code ^ mask[1])
    };
  }

  /** Writes bytes, ignoring a failure because the server already closed the socket. */
  static void sendQuietly(RawWebSocket raw, byte[] bytes) {
    try {
      raw.sendRaw(bytes);
    } catch (IOException e) {
      // the server hung up first; the caller checks that it did
    }
  }
}
