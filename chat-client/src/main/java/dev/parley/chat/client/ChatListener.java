package dev.parley.chat.client;

/**
 * Receives one session's events. Every method has a no-op default; override what you need.
 *
 * <p>Threading: calls for one session are made one at a time, in order, on the client's callback
 * executor ({@link ChatClientBuilder#callbackExecutor}); never on a network thread (unless the
 * application supplied a direct executor). A slow listener delays only its own session's events;
 * one more than 10,000 events behind makes its session stop reading: it drops the connection and
 * resumes after reconnecting, losing and repeating nothing. Exceptions thrown by a listener are
 * logged and otherwise ignored.
 *
 * <p>Ordering promise: for each room, {@link #onMessage} sees seqs in increasing order, each at
 * most once, with no gap unless {@link #onHistoryGap} reported it first.
 */
public interface ChatListener {
  /** The session moved from one state to another. */
  default void onStateChanged(ChatSession session, StateChangeEvent event) {}

  /** A message arrived in a joined room (including this user's own, once stored). */
  default void onMessage(ChatSession session, MessageEvent event) {}

  /**
   * The session probed its endpoints and ranked them (only with a {@link ProximityPolicy} and
   * several endpoints): before the first connect and each time a welcomed connection ended.
   */
  default void onEndpointsRanked(ChatSession session, EndpointsRankedEvent event) {}

  /** Another member started or stopped typing. */
  default void onTyping(ChatSession session, TypingEvent event) {}

  /** Another member reported reading up to a seq. */
  default void onReadReceipt(ChatSession session, ReadReceiptEvent event) {}

  /** A member came online in, or left, a joined room. */
  default void onPresence(ChatSession session, PresenceEvent event) {}

  /**
   * The server took this session out of a joined room without being asked (for example, the server
   * application closed the room). No further events for the room follow; its handle is stale, and
   * sends still waiting for it failed with {@code NOT_A_MEMBER}.
   */
  default void onRemovedFromRoom(ChatSession session, RoomRemovedEvent event) {}

  /**
   * This user was invited into a room (by a moderator or the server application); join it at will.
   */
  default void onInvited(ChatSession session, InvitedEvent event) {}

  /**
   * Messages this session missed can no longer be read (the server no longer keeps them). Delivery
   * continues after the gap.
   */
  default void onHistoryGap(ChatSession session, HistoryGapEvent event) {}

  /**
   * The server took fresh credentials from the {@link TokenProvider} for the live connection, after
   * it said the old ones expire soon.
   */
  default void onTokenRefreshed(ChatSession session, TokenRefreshedEvent event) {}

  /**
   * The {@link TokenProvider} failed or had no token for a refresh, or the server refused the token
   * it gave; {@link TokenFailedEvent#retrying()} says whether the session tries again by itself.
   */
  default void onTokenFailed(ChatSession session, TokenFailedEvent event) {}

  /** The server reported an error not tied to one of this session's futures. */
  default void onError(ChatSession session, ErrorEvent event) {}

  /** The session is closed for good. Terminal: no further calls follow. */
  default void onClosed(ChatSession session, ClosedEvent event) {}
}
