/** Network fault injection for tests: a loopback TCP proxy that can cut its connections. */
package dev.parley.chat.testkit.net;
