/**
 * Parley's value types: identifiers, messages and error codes shared by the client, the server and
 * every plug-in. All types here are immutable and thread-safe.
 */
package dev.parley.chat.api;
