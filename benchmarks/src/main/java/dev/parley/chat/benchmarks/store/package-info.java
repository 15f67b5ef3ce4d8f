/** The durable store benchmark: sends per second and send-to-ack latency per store. */
package dev.parley.chat.benchmarks.store;
