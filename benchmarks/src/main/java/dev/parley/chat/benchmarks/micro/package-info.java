/**
 * JMH micro-benchmarks of the server's hot paths: decoding a client frame, encoding a delivery, and
 * the fan-out of one message to a room's sessions, all through the server's own code with a
 * transport that has no sockets. {@link dev.parley.chat.benchmarks.micro.MicroBenchmarks} runs
 * them.
 */
package dev.parley.chat.benchmarks.micro;
