/**
 * The Redis cluster bus. Lettuce stays out of its API: it is required, not re-exported.
 *
 * <p>Lettuce is an automatic module: it reads every module that is resolved but cannot make the
 * module system resolve any. The Netty modules it runs on have descriptors of their own, so this
 * module requires them for it; without them an application on the module path (one without the
 * Netty transport, say) fails when the bus connects. Netty's common module also types the future
 * that Lettuce's shutdown returns.
 */
module dev.parley.chat.cluster.redis {
  requires transitive dev.parley.chat.api;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.resolver;
  requires io.netty.resolver.dns;
  requires io.netty.transport;
  requires lettuce.core;
  requires org.slf4j;
  // Metrics: optional. Micrometer's core jar names itself micrometer.core (Automatic-Module-Name).
  requires static micrometer.core;

  exports dev.parley.chat.cluster.redis;
}
