/**
 * The embedded chat server. Its transport is not required here: put {@code
 * dev.parley.chat.transport.jws} (the default) or {@code dev.parley.chat.transport.netty} on the
 * module path and {@link java.util.ServiceLoader} finds it.
 */
module dev.parley.chat.server {
  requires transitive dev.parley.chat.api;
  requires jdk.httpserver;
  // The JSON subprotocol's codec lives in chat-api, which needs these only when a server runs.
  requires com.google.gson;
  requires com.google.protobuf;
  requires com.google.protobuf.util;
  requires org.slf4j;
  requires com.github.benmanes.caffeine;
  requires io.github.resilience4j.circuitbreaker;
  requires io.github.resilience4j.core;
  // Attachments: types sniffed by Tika's magic; image headers and thumbnails by the JDK's ImageIO.
  requires org.apache.tika.core;
  requires java.desktop;
  // Metrics: optional. Micrometer's core jar names itself micrometer.core (Automatic-Module-Name).
  requires static micrometer.core;
  // Brotli on the HTTP side: optional (without it, gzip only).
  requires static com.aayushatharva.brotli4j;

  exports dev.parley.chat.server;
}
