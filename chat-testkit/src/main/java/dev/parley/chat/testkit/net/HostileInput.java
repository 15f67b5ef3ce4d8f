package dev.parley.chat.testkit.net;

import java.io.IOException;
import java.util.List;

/**
 * One kind of invalid input a WebSocket peer can send after the upgrade, with the close code RFC
 * 6455 asks the server to answer it with. Used to check that a transport closes such peers
 * correctly and that they cannot make the server log errors. Immutable and thread-safe.
 *
 * @param name what the input is, for test output
 * @param expectedCloseCode the code the server must close with
 * @param send writes the input to an upgraded socket
 */
public record HostileInput(String name, int expectedCloseCode, Sender send) {
  /** Writes hostile bytes to an upgraded socket. */
  @FunctionalInterface
  public interface Sender {
    /** Writes the input. */
    void sendTo(RawWebSocket socket) throws IOException;
  }

  /**
   * Every kind, for a server limited to {@code maxMessageBytes} per message and {@code
   * maxFragments} frames per message.
   */
  public static List<HostileInput> all(int maxMessageBytes, int maxFragments) {
    return List.of(
        new HostileInput(
            "frame header announcing more than the limit",
            1009,
            socket -> socket.sendHeaderOnly(RawWebSocket.BINARY, maxMessageBytes + 1L)),
        new HostileInput(
            "message split into too many frames",
            1002,
            socket -> {
              socket.sendFrame(RawWebSocket.BINARY, false, new byte[0]);
              for (int i = 0; i < maxFragments; i++) {
                socket.sendFrame(RawWebSocket.CONTINUATION, false, new byte[0]);
              }
            }),
        new HostileInput(
            "unknown opcode", 1002, socket -> socket.sendFrame(0x3, true, new byte[] {1})),
        new HostileInput(
            "close frame whose reason is not UTF-8",
            1007,
            socket ->
                socket.sendFrame(
                    RawWebSocket.CLOSE,
                    true,
                    new byte[] {0x03, (byte) 0xE8, (byte) 0xC3, (byte) 0x28})),
        new HostileInput(
            "text message that is not UTF-8",
            1007,
            socket -> socket.sendFrame(RawWebSocket.TEXT, true, new byte[] {(byte) 0xC3, 0x28})),
        new HostileInput(
            "continuation frame without a message",
            1002,
            socket -> socket.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] {1})),
        new HostileInput(
            "client frame not masked",
            1002,
            socket -> socket.sendRaw(new byte[] {(byte) 0x82, 0x02, 1, 2})));
  }

  @Override
  public String toString() {
    return name;
  }
}
