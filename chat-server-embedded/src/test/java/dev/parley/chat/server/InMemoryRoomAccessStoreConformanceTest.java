package dev.parley.chat.server;

import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.testkit.access.RoomAccessStoreConformanceSuite;

class InMemoryRoomAccessStoreConformanceTest extends RoomAccessStoreConformanceSuite {
  @Override
  protected RoomAccessStore newStore() {
    return new InMemoryRoomAccessStore();
  }

  @Override
  protected RoomAccessStore sameStorage(RoomAccessStore store) {
    return store;
  }
}
