package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.MessageStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms loaded on this node, each loaded once from the store's position. Thread-safe. Loading
 * is asynchronous: concurrent joiners of a room not yet loaded share one load.
 */
final class RoomRegistry {
  private final MessageStore store;
  private final ConcurrentHashMap<RoomId, CompletableFuture<Room>> rooms =
      new ConcurrentHashMap<>();

  RoomRegistry(MessageStore store) {
    this.store = store;
  }

  /** The room, loading it if needed. The future may complete on a store thread. */
  CompletableFuture<Room> load(RoomId id) {
    CompletableFuture<Room> existing = rooms.get(id);
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing;
    }
    CompletableFuture<Room> created = new CompletableFuture<>();
    CompletableFuture<Room> raced =
        rooms.compute(
            id,
            (key, current) ->
                current != null && !current.isCompletedExceptionally() ? current : created);
    if (raced == created) {
      store
          .position(id)
          .whenComplete(
              (position, error) -> {
                if (error != null) {
                  rooms.remove(id, created);
                  created.completeExceptionally(error);
                } else {
                  created.complete(new Room(id, this, position));
                }
              });
    }
    return raced;
  }

  /** Delivers a stored message to the room's members on this node, if the room is loaded. */
  void publish(ChatMessage message) {
    CompletableFuture<Room> room = rooms.get(message.room());
    if (room != null) {
      Room loaded = room.getNow(null);
      if (loaded != null) {
        loaded.publish(message);
      } else {
        room.thenAccept(r -> r.publish(message));
      }
    }
  }

  /** Called by a room when its last member left. */
  void retire(Room room) {
    rooms.computeIfPresent(
        room.id(), (key, current) -> current.getNow(null) == room ? null : current);
  }

  int size() {
    return rooms.size();
  }
}
