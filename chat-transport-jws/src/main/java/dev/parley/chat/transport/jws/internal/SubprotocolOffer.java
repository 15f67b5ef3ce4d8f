package dev.parley.chat.transport.jws.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.java_websocket.protocols.IProtocol;

/**
 * One subprotocol the server offers, in the form Java-WebSocket's {@code Draft_6455} negotiates
 * with: the draft tries its offers in order and takes the first that accepts the client's {@code
 * Sec-WebSocket-Protocol} header. Immutable and thread-safe.
 *
 * <p>{@link #offers(List)} builds the list: one offer per configured subprotocol, in the server's
 * preference order, then a fallback that matches only a request naming no subprotocol at all. The
 * fallback answers without a {@code Sec-WebSocket-Protocol} header (a client that asked for none
 * must not get one) yet reports the first configured subprotocol as negotiated. A request naming
 * only unknown subprotocols matches nothing, and the handshake is refused.
 */
final class SubprotocolOffer implements IProtocol {
  /** Several headers are joined with "; " by Java-WebSocket; one header lists tokens with ",". */
  private static final Pattern SEPARATORS = Pattern.compile("[,;]");

  private final String negotiated;
  private final boolean fallback;

  private SubprotocolOffer(String negotiated, boolean fallback) {
    this.negotiated = negotiated;
    this.fallback = fallback;
  }

  /** The offers for {@code subprotocols} (non-empty, in preference order), fallback last. */
  static List<IProtocol> offers(List<String> subprotocols) {
    List<IProtocol> offers = new ArrayList<>(subprotocols.size() + 1);
    for (String subprotocol : subprotocols) {
      offers.add(new SubprotocolOffer(subprotocol, false));
    }
    offers.add(new SubprotocolOffer(subprotocols.get(0), true));
    return List.copyOf(offers);
  }

  /** The subprotocol the connection speaks when this offer is the one accepted. */
  String negotiated() {
    return negotiated;
  }

  @Override
  public boolean acceptProvidedProtocol(String requestHeader) {
    String header = requestHeader == null ? "" : requestHeader;
    if (fallback) {
      return header.isBlank();
    }
    for (String token : SEPARATORS.split(header)) {
      if (token.trim().equals(negotiated)) {
        return true;
      }
    }
    return false;
  }

  /** What goes in the answer's {@code Sec-WebSocket-Protocol} header; empty means no header. */
  @Override
  public String getProvidedProtocol() {
    return fallback ? "" : negotiated;
  }

  @Override
  public IProtocol copyInstance() {
    return this;
  }

  @Override
  public String toString() {
    return fallback ? negotiated + " (none requested)" : negotiated;
  }
}
