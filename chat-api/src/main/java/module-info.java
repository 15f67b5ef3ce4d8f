/**
 * Parley's API: value types ({@code dev.parley.chat.api}), plug-in points ({@code
 * dev.parley.chat.spi}) and protocol constants ({@code dev.parley.chat.protocol}).
 *
 * <p>The generated Protobuf classes ({@code dev.parley.chat.protocol.internal}) are exported only
 * to Parley's server and client, which speak the protocol, to the server transports (which share
 * its {@code permessage-deflate} codec), and to Protobuf, whose runtime reads them reflectively.
 * Transports are found with {@link java.util.ServiceLoader} from here ({@link
 * dev.parley.chat.spi.ProviderLookup}), so this module declares that it uses them.
 */
module dev.parley.chat.api {
  requires com.google.protobuf;
  requires org.slf4j;
  // The JSON subprotocol's codec (protocol.internal.JsonFrameCodec); only the server loads it.
  requires static com.google.gson;
  requires static com.google.protobuf.util;

  exports dev.parley.chat.api;
  exports dev.parley.chat.spi;
  exports dev.parley.chat.protocol;
  exports dev.parley.chat.protocol.internal to
      com.google.protobuf,
      dev.parley.chat.server,
      dev.parley.chat.client,
      dev.parley.chat.transport.netty,
      dev.parley.chat.transport.jws;

  uses dev.parley.chat.spi.ServerTransportProvider;
  uses dev.parley.chat.spi.ClientTransportProvider;
}
