package dev.parley.chat.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 that forwards to a target and can cut every connection through it at
 * once, the way a flaky network or a load balancer restart would. Uses two threads per proxied
 * connection (fine for tests). Thread-safe.
 *
 * <p>Lifecycle: {@link #start()} binds a free port; {@link #cutAll()} resets the open connections
 * (new ones are still accepted); {@link #refuseNew(boolean)} makes the client look offline for a
 * while; {@link #latency(Duration)} delays every byte by a fixed time in each direction, the way a
 * distant region would; {@link #cutAfterClientBytes(long...)} cuts everything when the clients have
 * sent given numbers of bytes in all, so a cut falls at the same byte of a request body on every
 * run; {@link #close()} stops accepting and cuts everything.
 *
 * <p>Latency is added per direction: a request and its answer through a proxy with a latency of 40
 * ms take at least 80 ms more. Each chunk read is held until its time has come, then written in
 * order by a third thread per direction, so the delay does not limit throughput. The TCP handshake
 * with the proxy itself is not delayed.
 */
public final class ChaosProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final ExecutorService threads;
  private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
  private final AtomicLong cuts = new AtomicLong();
  private volatile boolean closed;
  private volatile boolean refusing;
  private volatile long latencyNanos;
  private final Object cutPointLock = new Object();
  private long clientBytes; // guarded by cutPointLock
  private long[] cutPoints = new long[0]; // guarded by cutPointLock
  private int nextCutPoint; // guarded by cutPointLock
  private boolean cutPending; // guarded by cutPointLock

  /** A proxy to {@code target}; not listening until {@link #start()}. */
  public ChaosProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    AtomicInteger counter = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "chaos-proxy-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts accepting; returns this proxy. */
  public ChaosProxy start() {
    threads.execute(this::acceptLoop);
    return this;
  }

  /** The port clients connect to instead of the target's. */
  public int port() {
    return server.getLocalPort();
  }

  /** Abruptly closes (TCP reset) every connection currently open through the proxy. */
  public void cutAll() {
    cuts.incrementAndGet();
    for (Pipe pipe : pipes) {
      pipe.cut();
    }
  }

  /**
   * While {@code true}, connections through the proxy are reset as soon as they are accepted: the
   * client behind it is offline and keeps failing to reconnect.
   */
  public void refuseNew(boolean refuse) {
    this.refusing = refuse;
  }

  /**
   * Delays every chunk by {@code oneWay} in each direction, from now on (zero: forward at once).
   * Applies to connections opened afterwards; open ones keep the latency they started with.
   */
  public ChaosProxy latency(Duration oneWay) {
    if (oneWay.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + oneWay);
    }
    this.latencyNanos = oneWay.toNanos();
    return this;
  }

  /**
   * Cuts every connection when the bytes all clients have sent through the proxy reach each of
   * {@code totals} (counted from now, in any order given): the bytes up to the point are forwarded,
   * the rest of that read is dropped, as when a network fails mid-request. Applies to connections
   * without {@link #latency(Duration)}.
   *
   * @return this proxy
   * @throws IllegalArgumentException if a total is not positive
   */
  public ChaosProxy cutAfterClientBytes(long... totals) {
    long[] sorted = totals.clone();
    Arrays.sort(sorted);
    if (sorted.length > 0 && sorted[0] < 1) {
      throw new IllegalArgumentException("cut points must be positive, not " + sorted[0]);
    }
    synchronized (cutPointLock) {
      clientBytes = 0;
      cutPoints = sorted;
      nextCutPoint = 0;
    }
    return this;
  }

  /** Bytes the clients have sent through the proxy since the last {@link #cutAfterClientBytes}. */
  public long clientBytes() {
    synchronized (cutPointLock) {
      return clientBytes;
    }
  }

  /** How many times {@link #cutAll()} ran. */
  public long cutCount() {
    return cuts.get();
  }

  /** Connections currently open through the proxy. */
  public int openConnections() {
    return pipes.size();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      if (refusing) {
        try {
          client.setSoLinger(true, 0);
        } catch (SocketException ignored) {
          // closed below either way
        }
        closeQuietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Pipe pipe = new Pipe(client, upstream);
        pipes.add(pipe);
        long delay = latencyNanos;
        if (delay == 0) {
          threads.execute(() -> pipe.pump(client, upstream));
          threads.execute(() -> pipe.pump(upstream, client));
        } else {
          pipe.delayed(client, upstream, delay);
          pipe.delayed(upstream, client, delay);
        }
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private final class Pipe {
    private final Socket a;
    private final Socket b;

    Pipe(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    void pump(Socket from, Socket to) {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int forward = from == a ? countClientBytes(n) : n;
          out.write(buffer, 0, forward);
          out.flush();
          if (from == a && cutDue()) {
            cutAll();
            return;
          }
        }
      } catch (IOException ignored) {
        // the other direction or a cut closed the socket
      } finally {
        cut();
      }
    }

    /** Like {@link #pump}, with every chunk held back for {@code delay} nanoseconds. */
    void delayed(Socket from, Socket to, long delay) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
      threads.execute(
          () -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream()) {
              int n;
              while ((n = in.read(buffer)) >= 0) {
                queue.add(new Chunk(System.nanoTime() + delay, Arrays.copyOf(buffer, n)));
              }
            } catch (IOException ignored) {
              // the other direction or a cut closed the socket
            }
            queue.add(new Chunk(System.nanoTime() + delay, null));
          });
      threads.execute(
          () -> {
            try {
              OutputStream out = to.getOutputStream();
              while (true) {
                Chunk chunk = queue.take();
                long wait = chunk.due - System.nanoTime();
                if (wait > 0) {
                  TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (chunk.bytes == null) {
                  break;
                }
                out.write(chunk.bytes);
                out.flush();
              }
            } catch (IOException ignored) {
              // cut
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              cut();
            }
          });
    }

    void cut() {
      if (pipes.remove(this)) {
        reset(a);
        reset(b);
      }
    }
  }

  /** Counts {@code n} bytes from a client; how many of them to forward before a cut point. */
  private int countClientBytes(int n) {
    synchronized (cutPointLock) {
      if (nextCutPoint < cutPoints.length && clientBytes + n >= cutPoints[nextCutPoint]) {
        int forward = (int) (cutPoints[nextCutPoint] - clientBytes);
        clientBytes += forward;
        nextCutPoint++;
        cutPending = true;
        return forward;
      }
      clientBytes += n;
      return n;
    }
  }

  /** Whether a cut point was just reached (once per point). */
  private boolean cutDue() {
    synchronized (cutPointLock) {
      boolean due = cutPending;
      cutPending = false;
      return due;
    }
  }

  private record Chunk(long due, byte[] bytes) {}

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
