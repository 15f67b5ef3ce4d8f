package dev.parley.chat.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What a benchmark connection says on the wire: Parley's protocol, or the bare broadcast protocol
 * the baselines speak. Implementations are stateless and thread-safe; their callbacks run on the
 * connection's event loop.
 */
interface Wire {
  /** The request path a connection to {@code room} upgrades on. */
  String path(String room);

  /** The WebSocket subprotocol to ask for, or {@code null}. */
  String subprotocol();

  /** Called once the upgrade completed; completes {@link LoadConnection#ready} when usable. */
  void opened(LoadConnection connection);

  /** One binary message from the server. The buffer is released by the caller. */
  void received(LoadConnection connection, ByteBuf frame);

  /** A message for {@code connection}'s room stamped with its intended send time. */
  ByteBuf send(LoadConnection connection, long intendedNanos, ByteBufAllocator alloc);

  /** Whether this wire reads missed messages back after a reconnect. */
  boolean resumes();
}
