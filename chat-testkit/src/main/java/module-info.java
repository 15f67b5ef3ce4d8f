/**
 * Conformance suites and test tools for Parley plug-ins. JUnit, AssertJ and Awaitility appear in
 * the suites' signatures, so they are read by every module that reads this one.
 */
module dev.parley.chat.testkit {
  requires transitive dev.parley.chat.api;
  requires transitive java.net.http;
  requires transitive org.assertj.core;
  requires transitive org.junit.jupiter.api;
  requires awaitility;
  requires com.google.protobuf;

  exports dev.parley.chat.testkit.access;
  exports dev.parley.chat.testkit.auth;
  exports dev.parley.chat.testkit.blob;
  exports dev.parley.chat.testkit.cluster;
  exports dev.parley.chat.testkit.events;
  exports dev.parley.chat.testkit.logging;
  exports dev.parley.chat.testkit.net;
  exports dev.parley.chat.testkit.store;
  exports dev.parley.chat.testkit.time;
  exports dev.parley.chat.testkit.tls;
  exports dev.parley.chat.testkit.transport;
}
