/**
 * The Redis cluster bus. Lettuce stays out of its API: it is required, not re-exported. Netty's
 * common module is read for the future that Lettuce's shutdown returns.
 */
module dev.parley.chat.cluster.redis {
  requires transitive dev.parley.chat.api;
  requires io.netty.common;
  requires lettuce.core;
  requires org.slf4j;

  exports dev.parley.chat.cluster.redis;
}
