/**
 * The {@link dev.parley.chat.spi.ServerTransportProvider} conformance suite. Subclass {@link
 * dev.parley.chat.testkit.transport.ServerTransportConformanceSuite} in your transport's tests and
 * return your provider from its factory method; {@link
 * dev.parley.chat.testkit.transport.RecordingTransportHandler} and {@link
 * dev.parley.chat.testkit.transport.WebSocketTestClient} are there for tests of your own.
 */
package dev.parley.chat.testkit.transport;
