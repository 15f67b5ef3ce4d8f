package dev.parley.chat.examples.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-HTTP forward proxy on 127.0.0.1 that lets ordinary requests through and refuses every
 * WebSocket: a {@code CONNECT} (how Chromium tunnels {@code ws://} through an HTTP proxy) or a
 * request with an {@code Upgrade} header gets 403. It stands for the corporate proxies that break
 * WebSocket upgrades; a browser started with {@code --proxy-server} pointing here can chat only
 * over Server-Sent Events. Each request goes upstream on a connection of its own ({@code
 * Connection: close}), and the proxy can cut the connections that carry an SSE stream.
 *
 * <p>Only targets on 127.0.0.1 are served; anything else is refused. Two threads per request (fine
 * for a test). Thread-safe.
 */
final class UpgradeRefusingProxy implements AutoCloseable {
  private static final byte[] FORBIDDEN =
      ("HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 26\r\n"
              + "Connection: close\r\n\r\nno WebSockets through here")
          .getBytes(StandardCharsets.ISO_8859_1);
  private static final int MAX_HEAD = 64 * 1024;

  private final String ssePath;
  private final ServerSocket server;
  private final ExecutorService threads;

  /** The browser's end of each SSE stream's connection, and the server's end. */
  private final Map<Socket, Socket> streams = new ConcurrentHashMap<>();

  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refusedUpgrades = new AtomicInteger();
  private final AtomicInteger sessionsOpened = new AtomicInteger();
  private final AtomicInteger streamsOpened = new AtomicInteger();
  private volatile boolean closed;

  /** A proxy for a server whose SSE endpoint is at {@code ssePath}; not listening until started. */
  UpgradeRefusingProxy(String ssePath) throws IOException {
    this.ssePath = ssePath;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    AtomicInteger counter = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "upgrade-refusing-proxy-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts accepting; returns this proxy. */
  UpgradeRefusingProxy start() {
    threads.execute(this::acceptLoop);
    return this;
  }

  /** The address to give Chromium's {@code --proxy-server}. */
  String address() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** WebSocket attempts refused so far. */
  int refusedUpgrades() {
    return refusedUpgrades.get();
  }

  /** SSE sessions opened through this proxy ({@code POST <ssePath>}). */
  int sessionsOpened() {
    return sessionsOpened.get();
  }

  /** SSE streams opened through this proxy ({@code GET <ssePath>/<session>}). */
  int streamsOpened() {
    return streamsOpened.get();
  }

  /** SSE streams open through this proxy now. */
  int openStreams() {
    return streams.size();
  }

  /** Resets (TCP RST) every connection that carries an SSE stream now; returns how many. */
  int cutStreams() {
    int cut = 0;
    for (Map.Entry<Socket, Socket> stream : streams.entrySet()) {
      reset(stream.getKey());
      reset(stream.getValue());
      cut++;
    }
    return cut;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(UpgradeRefusingProxy::reset);
    threads.shutdownNow();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        threads.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length != 3) {
        client.getOutputStream().write(FORBIDDEN);
        return;
      }
      String method = requestLine[0];
      boolean upgrade = false;
      StringBuilder headers = new StringBuilder();
      for (int i = 1; i < lines.length; i++) {
        String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).trim();
        switch (name.toLowerCase(Locale.ROOT)) {
          case "upgrade" -> upgrade = true;
          case "connection", "proxy-connection", "keep-alive" -> {}
          default -> headers.append(lines[i]).append("\r\n");
        }
      }
      if (method.equals("CONNECT") || upgrade) {
        refusedUpgrades.incrementAndGet();
        client.getOutputStream().write(FORBIDDEN);
        return;
      }
      URI target = URI.create(requestLine[1]);
      if (!"http".equals(target.getScheme()) || !"127.0.0.1".equals(target.getHost())) {
        client.getOutputStream().write(FORBIDDEN);
        return;
      }
      String path = target.getRawPath();
      if (method.equals("POST") && path.equals(ssePath)) {
        sessionsOpened.incrementAndGet();
      }
      boolean stream = method.equals("GET") && path.startsWith(ssePath + "/");
      try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
        sockets.add(upstream);
        if (stream) {
          streamsOpened.incrementAndGet();
          streams.put(client, upstream);
        }
        String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
        String request =
            method
                + " "
                + path
                + query
                + " "
                + requestLine[2]
                + "\r\n"
                + headers
                + "Connection: close\r\n\r\n";
        OutputStream toUpstream = upstream.getOutputStream();
        toUpstream.write(request.getBytes(StandardCharsets.ISO_8859_1));
        toUpstream.flush();
        threads.execute(() -> copy(in, toUpstream)); // the request's body, if any
        copy(upstream.getInputStream(), client.getOutputStream());
        sockets.remove(upstream);
      } finally {
        streams.remove(client);
      }
    } catch (IOException e) {
      // a cut, or the browser went away
    } finally {
      sockets.remove(client);
    }
  }

  /** The request head up to the blank line, or null if the connection ended first. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0 || head.size() > MAX_HEAD) {
        return null;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  private static void copy(InputStream from, OutputStream to) {
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = from.read(buffer)) >= 0) {
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // one side closed: the other side's copy ends too
    }
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
