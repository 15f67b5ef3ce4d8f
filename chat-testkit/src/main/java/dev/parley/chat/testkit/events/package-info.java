/**
 * The {@link dev.parley.chat.spi.EventSink} conformance suite. Subclass {@link
 * dev.parley.chat.testkit.events.EventSinkConformanceSuite} in your sink's tests; {@link
 * dev.parley.chat.testkit.events.InMemoryEventSink} is a sink for tests of your own, and the
 * suite's reference.
 */
package dev.parley.chat.testkit.events;
