package dev.parley.chat.client.internal;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
import dev.parley.chat.spi.ClientTransportProvider;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;

/**
 * One try at a connection, and the connection itself once it is up: the transport's listener for
 * it, and the session's per-connection state. Only the session's current attempt is listened to;
 * frames and closes of an attempt the session has moved past are ignored, which is what makes it
 * safe for a transport to report {@code onClosed} from inside {@code close()} or {@code abort()}.
 *
 * <p>Fields are guarded by the session's lock. The listener methods are called by the transport,
 * one at a time, on its own thread; they hand over to the session and return.
 */
final class ConnectionAttempt implements ClientTransportListener {
  final SessionLifecycle lifecycle;
  final URI endpoint;

  /** The transport this attempt connects with. */
  final ClientTransportProvider transport;

  /** Whether this attempt goes to the SSE fallback instead of a WebSocket endpoint. */
  final boolean fallback;

  /** Why the transport gave no connection, once it failed. */
  Throwable openFailure;

  final long connectRequestId;
  ClientTransportConnection connection;
  boolean welcomed;
  boolean transportClosed;
  int malformedInARow;
  long goAwayDelayMillis = -1;

  /** The server said it cannot take the session now: back off and retry, even on first connect. */
  boolean serverAskedToRetry;

  /**
   * The server refused this attempt's credentials ({@code AUTHENTICATION_FAILED}); its close code,
   * which follows, says whether fresh ones may pass (4004) or not (4001).
   */
  ChatException refusal;

  Heartbeat heartbeat;

  /** The token this attempt's Connect carries. */
  String token;

  /** When this connection's credentials expire (Unix ms); 0: never, or not known yet. */
  long tokenExpiresAtMillis;

  /** A refresh of the credentials is under way (after TokenExpiring). */
  boolean refreshing;

  /** Refreshes that failed in a row, for the backoff. */
  int refreshFailures;

  /** The token the Reauthenticate waiting for its answer carries. */
  String refreshToken;

  /** The request id of the Reauthenticate waiting for its answer; 0 when none. */
  long reauthenticateRequestId;

  /** Gives up on that answer after the request timeout. */
  ScheduledFuture<?> reauthenticateTimer;

  /** Before Welcome the connect deadline; after it the next heartbeat check. */
  ScheduledFuture<?> timer;

  ConnectionAttempt(
      SessionLifecycle lifecycle,
      URI endpoint,
      ClientTransportProvider transport,
      boolean fallback,
      long connectRequestId,
      String token) {
    this.lifecycle = lifecycle;
    this.endpoint = endpoint;
    this.transport = transport;
    this.fallback = fallback;
    this.connectRequestId = connectRequestId;
    this.token = token;
  }

  void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void onBinary(ByteBuffer message) {
    lifecycle.onTransportFrame(this, message);
  }

  @Override
  public void onClosed(int code, String reason) {
    lifecycle.onTransportClosed(this, code, reason);
  }

  @Override
  public String toString() {
    return "attempt(" + endpoint + ", connect #" + connectRequestId + ")";
  }
}
