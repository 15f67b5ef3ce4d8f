/**
 * Not API. The generated Protobuf classes and the one protocol codec shared by Parley's server,
 * client and benchmarks: {@link dev.parley.chat.protocol.internal.EnvelopeCodec} maps value types
 * to and from envelopes, {@link dev.parley.chat.protocol.internal.BinaryFrames} and {@link
 * dev.parley.chat.protocol.internal.JsonFrameCodec} turn envelopes into wire frames and back. May
 * change in any release; never appears in a public signature.
 */
package dev.parley.chat.protocol.internal;
