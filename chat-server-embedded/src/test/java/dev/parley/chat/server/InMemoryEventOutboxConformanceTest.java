package dev.parley.chat.server;

import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.testkit.events.EventOutboxConformanceSuite;

/** The outbox contract for the in-memory store's outbox. */
class InMemoryEventOutboxConformanceTest extends EventOutboxConformanceSuite {
  @Override
  protected MessageStore newStore() {
    return new InMemoryMessageStore();
  }
}
