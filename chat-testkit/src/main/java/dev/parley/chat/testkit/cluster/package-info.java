/**
 * The {@link dev.parley.chat.spi.ClusterBus} conformance suite. Subclass {@link
 * dev.parley.chat.testkit.cluster.ClusterBusConformanceSuite} in your bus's tests; {@link
 * dev.parley.chat.testkit.cluster.RecordingClusterListener} records what a node hears, for tests of
 * your own.
 */
package dev.parley.chat.testkit.cluster;
