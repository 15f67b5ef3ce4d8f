package dev.parley.chat.protocol;

/**
 * WebSocket close codes Parley servers use, and whether a client should reconnect after each. Codes
 * 1000-1011 are the standard ones (RFC 6455); 4000-4099 are Parley's own and stable.
 *
 * <p>Constants only; thread-safe.
 */
public final class CloseCodes {
  private CloseCodes() {}

  /** Normal closure: the other side asked to close. Clients do not reconnect. */
  public static final int NORMAL = 1000;

  /** The server is stopping (after a GoAway frame). Clients reconnect, elsewhere if they can. */
  public static final int GOING_AWAY = 1001;

  /** The peer broke the WebSocket protocol (bad framing, too many fragments). */
  public static final int PROTOCOL_ERROR = 1002;

  /** A frame of a type this endpoint does not accept (text on a binary session, or the reverse). */
  public static final int UNSUPPORTED_DATA = 1003;

  /**
   * A message's payload could not be decoded: text that is not UTF-8, or a compressed message
   * ({@code permessage-deflate}) whose data does not inflate.
   */
  public static final int INVALID_PAYLOAD = 1007;

  /** A message arrived larger than the negotiated limit (64 KiB by default). */
  public static final int MESSAGE_TOO_BIG = 1009;

  /** The server failed unexpectedly. Clients reconnect with backoff. */
  public static final int INTERNAL_ERROR = 1011;

  /**
   * The server cannot take the session now (its authenticator's backend is down, say). Clients
   * reconnect with backoff, also on their first connect.
   */
  public static final int TRY_AGAIN_LATER = 1013;

  /** The client broke Parley's protocol: it sent no Connect first, or too many bad frames. */
  public static final int PROTOCOL_VIOLATION = 4000;

  /** The authenticator rejected the client's credentials. Clients do not reconnect. */
  public static final int AUTHENTICATION_FAILED = 4001;

  /** The client did not send Connect within the server's deadline. */
  public static final int CONNECT_TIMEOUT = 4002;

  /** No frame (not even a pong) arrived within the heartbeat deadline: the peer is gone. */
  public static final int HEARTBEAT_TIMEOUT = 4003;

  /**
   * The session's credentials expired before fresh ones came (no {@code Reauthenticate} with a
   * valid token for the same user arrived in time), or a Connect carried genuine credentials that
   * had already expired (answered with {@code AUTHENTICATION_FAILED}). Clients get fresh
   * credentials and reconnect, resuming where they were; a client that cannot get other credentials
   * than the expired ones stops.
   */
  public static final int TOKEN_EXPIRED = 4004;

  /**
   * The server application revoked the user's sessions. Clients ask for credentials again and
   * reconnect only if they get some; the server's authenticator then decides.
   */
  public static final int REVOKED = 4005;

  /**
   * The user already has as many connections open as the server allows one user (the Connect was
   * answered with {@code LIMIT_EXCEEDED}). Clients do not reconnect: the same refusal would follow
   * until one of the user's other connections closes.
   */
  public static final int TOO_MANY_CONNECTIONS = 4006;

  /**
   * The client read too slowly: its outbound queue stayed over the server's byte limit. Clients
   * reconnect and resume from history.
   */
  public static final int SLOW_CONSUMER = 4008;

  /** The client kept sending faster than its rate limit after being warned. */
  public static final int FLOODING = 4009;

  /**
   * Whether a client should reconnect after a close with this code. After {@link #TOKEN_EXPIRED}
   * and {@link #REVOKED} it should do so only with credentials it has just asked for again.
   */
  public static boolean shouldReconnect(int code) {
    return switch (code) {
      case NORMAL,
          AUTHENTICATION_FAILED,
          PROTOCOL_VIOLATION,
          UNSUPPORTED_DATA,
          TOO_MANY_CONNECTIONS ->
          false;
      default -> true;
    };
  }

  /** A short name for logs, such as {@code "SLOW_CONSUMER"}; {@code "CODE_<n>"} when unknown. */
  public static String name(int code) {
    return switch (code) {
      case NORMAL -> "NORMAL";
      case GOING_AWAY -> "GOING_AWAY";
      case PROTOCOL_ERROR -> "PROTOCOL_ERROR";
      case UNSUPPORTED_DATA -> "UNSUPPORTED_DATA";
      case INVALID_PAYLOAD -> "INVALID_PAYLOAD";
      case MESSAGE_TOO_BIG -> "MESSAGE_TOO_BIG";
      case INTERNAL_ERROR -> "INTERNAL_ERROR";
      case TRY_AGAIN_LATER -> "TRY_AGAIN_LATER";
      case PROTOCOL_VIOLATION -> "PROTOCOL_VIOLATION";
      case AUTHENTICATION_FAILED -> "AUTHENTICATION_FAILED";
      case CONNECT_TIMEOUT -> "CONNECT_TIMEOUT";
      case HEARTBEAT_TIMEOUT -> "HEARTBEAT_TIMEOUT";
      case TOKEN_EXPIRED -> "TOKEN_EXPIRED";
      case REVOKED -> "REVOKED";
      case TOO_MANY_CONNECTIONS -> "TOO_MANY_CONNECTIONS";
      case SLOW_CONSUMER -> "SLOW_CONSUMER";
      case FLOODING -> "FLOODING";
      default -> "CODE_" + code;
    };
  }
}
