/**
 * Not API. The generated Protobuf classes and the frame codec shared by Parley's client and server.
 * May change in any release; never appears in a public signature.
 */
package dev.parley.chat.protocol.internal;
