package dev.parley.chat.server;

import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.store.MessageStoreConformanceSuite;

class InMemoryMessageStoreConformanceTest extends MessageStoreConformanceSuite {
  @Override
  protected MessageStore newStore() {
    return new InMemoryMessageStore();
  }

  @Override
  protected MessageStore newStoreKeepingAtMost(int maxPerRoom) {
    return new InMemoryMessageStore(maxPerRoom);
  }

  @Override
  protected MessageStore reopen(MessageStore closed) {
    return new InMemoryMessageStore();
  }
}
