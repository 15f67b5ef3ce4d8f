package dev.parley.chat.spi;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a client presented when it connected.
 *
 * <p>Immutable and thread-safe.
 *
 * @param token the credentials from the client's Connect frame (may be empty)
 * @param clientName the client's self-reported name, for logs
 * @param clientVersion the client's self-reported version, for logs
 * @param remoteAddress the peer's socket address
 */
public record ConnectRequest(
    String token, String clientName, String clientVersion, InetSocketAddress remoteAddress) {
  /** Checks that no field is null. */
  public ConnectRequest {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(clientName, "clientName");
    Objects.requireNonNull(clientVersion, "clientVersion");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
  }

  @Override
  public String toString() {
    return "ConnectRequest[token=<"
        + token.length()
        + " chars>, clientName="
        + clientName
        + ", clientVersion="
        + clientVersion
        + ", remoteAddress="
        + remoteAddress
        + "]";
  }
}
