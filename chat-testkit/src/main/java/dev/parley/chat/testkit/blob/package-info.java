/**
 * The {@link dev.parley.chat.spi.BlobStore} conformance suite. Subclass {@link
 * dev.parley.chat.testkit.blob.BlobStoreConformanceSuite} in your store's tests and return a fresh,
 * empty store from its factory method.
 */
package dev.parley.chat.testkit.blob;
