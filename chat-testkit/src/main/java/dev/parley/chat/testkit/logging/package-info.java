/** Log assertions for tests: what the code under test printed through SLF4J. */
package dev.parley.chat.testkit.logging;
