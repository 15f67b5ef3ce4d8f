package dev.parley.chat.client.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * Turns the failure of a connection attempt into a sentence that says what to check: nothing
 * listening, a wrong path or port, a refused subprotocol, TLS. Stateless; thread-safe.
 */
final class ConnectFailures {
  private ConnectFailures() {}

  /**
   * Explains why {@code endpoint} could not be reached.
   *
   * @param subprotocol the subprotocol the client asked for
   */
  static String explain(URI endpoint, String subprotocol, Throwable failure) {
    String at = hostAndPort(endpoint);
    if (failure == null) {
      return "the transport gave no connection to " + at;
    }
    Throwable cause = unwrap(failure);
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof SseRefusedException refused) {
        return at
            + " refused the SSE request (HTTP "
            + refused.status()
            + (refused.reason().isEmpty() ? "" : ", " + refused.reason())
            + ")"
            + (refused.status() == 404
                ? ": check the path (a Parley server's SSE endpoint is its WebSocket path with /sse"
                    + " appended, /chat/sse by default) and that this is its HTTP port"
                : "");
      }
      if (t instanceof WebSocketHandshakeException handshake) {
        return refusedUpgrade(endpoint, at, subprotocol, handshake.getResponse().statusCode());
      }
      if (t instanceof SSLException) {
        String certificate = certificateProblem(t, endpoint, at);
        if (certificate != null) {
          return certificate;
        }
        return "TLS with "
            + at
            + " failed ("
            + t.getMessage()
            + "): check that the server speaks TLS on this port (wss://) or not (ws://), and that"
            + " its certificate is trusted by this JVM";
      }
      if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
        return "no answer from " + at + " in time: check the host, port and any firewall";
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return "nothing is listening at "
            + at
            + " (connection refused): check that the server is running and that this is its"
            + " WebSocket port";
      }
      if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
        return "the host of " + endpoint + " cannot be resolved: check its name";
      }
    }
    String message = cause.getMessage();
    return "cannot connect to "
        + endpoint
        + ": "
        + cause.getClass().getSimpleName()
        + (message == null ? "" : " " + message);
  }

  /**
   * Says what is wrong with the server's certificate, or null if that is not the problem. The JDK's
   * client does not always keep the cause of a failed handshake, so its message is read too.
   */
  private static String certificateProblem(Throwable tls, URI endpoint, String at) {
    for (Throwable t = tls; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof CertPathBuilderException
          || t instanceof CertPathValidatorException
          || message.contains("PKIX path building failed")
          || message.contains("PKIX path validation failed")) {
        return "the certificate of "
            + at
            + " is not trusted ("
            + message
            + "): it must chain to a certificate in the client's trust store (the JDK's default,"
            + " or one given with ChatClientBuilder.trustStore or sslContext)";
      }
      if ((t instanceof CertificateException || t instanceof SSLException)
          && (message.contains("No subject alternative") || message.contains("No name matching"))) {
        return "the certificate of "
            + at
            + " is not for the host "
            + endpoint.getHost()
            + " ("
            + message
            + "): connect with a name the certificate lists, or give the server a certificate"
            + " for this name";
      }
    }
    return null;
  }

  private static String refusedUpgrade(URI endpoint, String at, String subprotocol, int status) {
    String prefix = at + " answered HTTP " + status + " instead of accepting the WebSocket: ";
    if (status == 404) {
      return prefix
          + "check the path ("
          + (endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
              ? "none given"
              : endpoint.getRawPath())
          + "; a Parley server's default is /chat) and that this is the WebSocket port, not the"
          + " HTTP port of /healthz; a Parley server also answers 404 when it does not speak the"
          + " subprotocol "
          + subprotocol
          + " (client and server versions differ)";
    }
    if (status == 400 || status == 426) {
      return prefix
          + "the server refused the upgrade request; it may not speak the subprotocol "
          + subprotocol
          + " or this WebSocket version (client and server versions differ)";
    }
    if (status == 200 || status == 301 || status == 302 || status == 308) {
      return prefix + "this is an HTTP server or a page, not a WebSocket endpoint";
    }
    return prefix + "check that the endpoint is a Parley server's WebSocket endpoint";
  }

  private static String hostAndPort(URI endpoint) {
    int port = endpoint.getPort();
    if (port < 0) {
      port = "wss".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    }
    return endpoint.getHost() + ":" + port;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
