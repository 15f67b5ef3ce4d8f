package dev.parley.chat.transport.jws.internal;

import dev.parley.chat.protocol.internal.PerMessageDeflate;
import dev.parley.chat.spi.WebSocketCompression;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;

/**
 * Negotiates {@code permessage-deflate} for {@link LimitedDraft} and checks the RSV bits of frames
 * that carry any; compressing and inflating happen in {@link LimitedDraft}, which sees every frame
 * in order. Only one thing happens here while a frame is decoded: the compressed payload of a text
 * frame is set aside ({@link #takeCompressed}) and replaced by an empty one, because the library
 * checks a text frame's UTF-8 right after this extension decodes it, before {@link LimitedDraft}
 * can inflate it in order with the rest of its message. Java-WebSocket's own {@code
 * PerMessageDeflateExtension} (1.6.0) is not used: it inflates into an unbounded buffer (a small
 * bomb fills the heap), closes on bad data with 1008, and mixes up the context takeover parameters
 * (Java-WebSocket issues #1496, #1400). And the library passes the continuation frames of a
 * compressed message to its default extension once a control frame came between them, so decoding
 * in {@link #decodeFrame} would miss them.
 *
 * <p>One instance per connection ({@link #copyInstance}); the agreement is set on the worker thread
 * during the handshake and read afterwards, after the library's own hand-over. Frames are decoded
 * and processed on the connection's one decoding thread.
 */
final class DeflateExtension implements IExtension {
  private final WebSocketCompression config;
  private volatile PerMessageDeflate.Agreement agreement;
  // text frames decoded but not yet processed, with their compressed payloads
  private final Map<Framedata, ByteBuffer> setAside = new IdentityHashMap<>();

  DeflateExtension(WebSocketCompression config) {
    this.config = config;
  }

  /** What was agreed with the client, or {@code null} if it offered nothing acceptable. */
  PerMessageDeflate.Agreement agreement() {
    return agreement;
  }

  @Override
  public boolean acceptProvidedExtensionAsServer(String inputExtensionHeader) {
    agreement =
        PerMessageDeflate.negotiate(
            inputExtensionHeader == null ? List.of() : List.of(inputExtensionHeader), config);
    return agreement != null;
  }

  @Override
  public boolean acceptProvidedExtensionAsClient(String inputExtensionHeader) {
    return false;
  }

  @Override
  public String getProvidedExtensionAsServer() {
    PerMessageDeflate.Agreement agreed = agreement;
    return agreed == null ? "" : agreed.response();
  }

  @Override
  public String getProvidedExtensionAsClient() {
    return "";
  }

  /**
   * Allows RSV1 only on the first frame of a text or binary message; RSV2, RSV3, and RSV1 elsewhere
   * are refused with 1002.
   */
  @Override
  public void isFrameValid(Framedata frame) throws InvalidDataException {
    if (frame.isRSV2() || frame.isRSV3()) {
      throw new InvalidFrameException("RSV2 or RSV3 set");
    }
    Opcode opcode = frame.getOpcode();
    if (frame.isRSV1() && opcode != Opcode.TEXT && opcode != Opcode.BINARY) {
      throw new InvalidFrameException("RSV1 set on a " + opcode + " frame");
    }
  }

  /** Sets a compressed text frame's payload aside; the rest is inflated in LimitedDraft. */
  @Override
  public void decodeFrame(Framedata frame) {
    if (frame.isRSV1() && frame.getOpcode() == Opcode.TEXT) {
      setAside.put(frame, frame.getPayloadData());
      ((FramedataImpl1) frame).setPayload(ByteBuffer.allocate(0));
    }
  }

  /** The compressed payload set aside for {@code frame}, or its own payload. */
  ByteBuffer takeCompressed(Framedata frame) {
    ByteBuffer compressed = setAside.remove(frame);
    return compressed != null ? compressed : frame.getPayloadData();
  }

  @Override
  public void encodeFrame(Framedata inputFrame) {
    // deflated in LimitedDraft.createBinaryFrame
  }

  @Override
  public IExtension copyInstance() {
    return new DeflateExtension(config);
  }

  @Override
  public void reset() {
    // the agreement holds for the connection's life
  }

  @Override
  public String toString() {
    return PerMessageDeflate.NAME;
  }
}
