package dev.parley.chat.testkit.events;

import dev.parley.chat.spi.ChatEvent;
import dev.parley.chat.spi.EventSink;
import java.util.List;

/**
 * The in-memory sink keeps the contract. Its destination is cut three events into the next publish,
 * so the failed batch arrives in part and the republish brings repeats, as a broker connection lost
 * mid-batch does.
 */
class InMemoryEventSinkConformanceTest extends EventSinkConformanceSuite {
  private InMemoryEventSink sink;

  @Override
  protected EventSink newSink() {
    sink = new InMemoryEventSink();
    return sink;
  }

  @Override
  protected List<ChatEvent> receivedSoFar() {
    return sink.received();
  }

  @Override
  protected void cutDestination() {
    sink.cutAfter(3);
  }

  @Override
  protected void restoreDestination() {
    sink.restore();
  }
}
