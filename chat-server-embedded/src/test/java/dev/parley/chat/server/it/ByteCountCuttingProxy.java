package dev.parley.chat.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that cuts the connection once, exactly when the client has sent a given
 * number of bytes through it (all connections counted together): a lost connection part way through
 * a request body, at the same byte on every run. Forwards everything else untouched. Thread-safe;
 * two threads per connection.
 */
final class ByteCountCuttingProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final long cutAt;
  private final AtomicLong upstream = new AtomicLong();
  private final AtomicBoolean cut = new AtomicBoolean();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  ByteCountCuttingProxy(InetSocketAddress target, long cutAt) {
    this.target = target;
    this.cutAt = cutAt;
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start("proxy-accept", this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Whether the cut has happened. */
  boolean cut() {
    return cut.get();
  }

  /** Bytes the client sent through the proxy, over every connection. */
  long upstreamBytes() {
    return upstream.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket origin = new Socket(target.getAddress(), target.getPort());
        sockets.add(client);
        sockets.add(origin);
        start("proxy-up", () -> pump(client, origin, true));
        start("proxy-down", () -> pump(origin, client, false));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void pump(Socket from, Socket to, boolean counted) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (counted && !cut.get()) {
          long before = upstream.getAndAdd(n);
          if (before + n >= cutAt && cut.compareAndSet(false, true)) {
            out.write(buffer, 0, (int) (cutAt - before));
            out.flush();
            from.close();
            to.close();
            return;
          }
        } else if (counted) {
          upstream.addAndGet(n);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: close the other below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void start(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.forEach(ByteCountCuttingProxy::closeQuietly);
    try {
      for (Thread thread : threads) {
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
