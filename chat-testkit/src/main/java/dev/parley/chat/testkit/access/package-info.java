/** The conformance suite of {@link dev.parley.chat.spi.RoomAccessStore}. */
package dev.parley.chat.testkit.access;
