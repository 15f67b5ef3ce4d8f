package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.ClusterBus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The bus of a server that is not clustered: there is no one to tell. Stateless, thread-safe. */
final class SingleNodeBus implements ClusterBus {
  static final SingleNodeBus INSTANCE = new SingleNodeBus();

  private SingleNodeBus() {}

  @Override
  public void start(String nodeId, Listener listener) {}

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
    return Duration.ZERO;
  }

  @Override
  public void close() {}
}
