/** Certificates and trust stores for tests of {@code wss://} and {@code https://}. */
package dev.parley.chat.testkit.tls;
