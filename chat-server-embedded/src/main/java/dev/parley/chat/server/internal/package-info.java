/**
 * Not API. The server's implementation: sessions, rooms, fan-out, the HTTP side. May change in any
 * release.
 */
package dev.parley.chat.server.internal;
