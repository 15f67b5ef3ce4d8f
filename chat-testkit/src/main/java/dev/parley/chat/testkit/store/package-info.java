/**
 * The {@link dev.parley.chat.spi.MessageStore} conformance suite. Subclass {@link
 * dev.parley.chat.testkit.store.MessageStoreConformanceSuite} in your store's tests and return a
 * fresh, empty store from its factory method.
 */
package dev.parley.chat.testkit.store;
