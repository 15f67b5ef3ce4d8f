/**
 * The transport conformance suites. For a {@link dev.parley.chat.spi.ClientTransportProvider},
 * subclass {@link dev.parley.chat.testkit.transport.ClientTransportConformanceSuite} and give it
 * your provider, a running Parley server's endpoint and tokens. For a {@link
 * dev.parley.chat.spi.ServerTransportProvider}, subclass {@link
 * dev.parley.chat.testkit.transport.ServerTransportConformanceSuite} in your transport's tests and
 * return your provider from its factory method; {@link
 * dev.parley.chat.testkit.transport.RecordingTransportHandler} and {@link
 * dev.parley.chat.testkit.transport.WebSocketTestClient} are there for tests of your own.
 */
package dev.parley.chat.testkit.transport;
