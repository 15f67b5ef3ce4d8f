package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A cluster bus with no other nodes, through which a benchmark plays "another node stored this
 * message": {@link #deliver(ChatMessage)} calls the server's bus listener on the caller's thread,
 * and the server fans the message out to its sessions in the room exactly as it does for a message
 * from a real node. What the server publishes goes nowhere.
 *
 * <p>Thread-safe; {@link #deliver} must be called from one thread at a time, as the bus contract
 * has events arrive one at a time.
 */
final class DirectClusterBus implements ClusterBus {
  private volatile Listener listener;

  @Override
  public void start(String nodeId, Listener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("a bus is started once");
    }
    this.listener = listener;
  }

  /** Hands {@code message} to the server as another node's, on this thread. */
  void deliver(ChatMessage message) {
    Listener current = listener;
    if (current == null) {
      throw new IllegalStateException("the server has not started this bus");
    }
    current.onMessage(message);
  }

  @Override
  public void publishMessage(ChatMessage message) {}

  @Override
  public void publishPresence(RoomId room, UserId user, boolean online) {}

  @Override
  public CompletableFuture<Set<RemotePresence>> presence(RoomId room) {
    return CompletableFuture.completedFuture(Set.of());
  }

  @Override
  public boolean isHealthy() {
    return true;
  }

  @Override
  public Duration leaseTime() {
    return Duration.ofMinutes(1);
  }

  @Override
  public void close() {}
}
