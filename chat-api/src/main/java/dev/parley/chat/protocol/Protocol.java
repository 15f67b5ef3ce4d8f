package dev.parley.chat.protocol;

/** Names and defaults of protocol version 1. Constants only; thread-safe. */
public final class Protocol {
  private Protocol() {}

  /** The protocol version this library speaks, sent in Connect and Welcome. */
  public static final int VERSION = 1;

  /** WebSocket subprotocol for binary frames carrying Protobuf Envelopes (the default). */
  public static final String SUBPROTOCOL_PROTOBUF = "parley.v1.proto";

  /** WebSocket subprotocol for text frames carrying proto3 JSON Envelopes (for browsers). */
  public static final String SUBPROTOCOL_JSON = "parley.v1.json";

  /**
   * The {@code Connect.features} entry asking for coalesced presence: {@code PresenceBatch} frames,
   * one per room and presence window, instead of one {@code Presence} frame per change.
   */
  public static final String FEATURE_PRESENCE_BATCH = "presence-batch";

  /** Default path of the WebSocket endpoint. */
  public static final String DEFAULT_PATH = "/chat";

  /** Default largest WebSocket message, after reassembling fragments: 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

  /** Default largest message text, in UTF-8 bytes: 16 KiB. */
  public static final int DEFAULT_MAX_TEXT_BYTES = 16 * 1024;

  /** Default largest message payload: 32 KiB. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 32 * 1024;

  /** Default and largest history page. */
  public static final int DEFAULT_MAX_HISTORY_PAGE = 200;

  /**
   * The largest token a {@code Reauthenticate} may carry, in UTF-8 bytes: 8 KiB. A longer one is
   * refused with {@code TOO_LARGE} before the authenticator sees it.
   */
  public static final int MAX_REAUTHENTICATE_TOKEN_BYTES = 8 * 1024;
}
