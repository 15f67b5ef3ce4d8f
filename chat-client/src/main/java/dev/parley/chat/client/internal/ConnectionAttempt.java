package dev.parley.chat.client.internal;

import dev.parley.chat.spi.ClientTransportConnection;
import dev.parley.chat.spi.ClientTransportListener;
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
  final long connectRequestId;
  ClientTransportConnection connection;
  boolean welcomed;
  boolean transportClosed;
  int malformedInARow;
  long goAwayDelayMillis = -1;

  /** The server said it cannot take the session now: back off and retry, even on first connect. */
  boolean serverAskedToRetry;

  Heartbeat heartbeat;

  /** Before Welcome the connect deadline; after it the next heartbeat check. */
  ScheduledFuture<?> timer;

  ConnectionAttempt(SessionLifecycle lifecycle, URI endpoint, long connectRequestId) {
    this.lifecycle = lifecycle;
    this.endpoint = endpoint;
    this.connectRequestId = connectRequestId;
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
