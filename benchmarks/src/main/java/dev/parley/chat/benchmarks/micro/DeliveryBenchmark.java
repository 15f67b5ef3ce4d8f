package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Delivering one message to a room of {@link #members} sessions through the server's own code, with
 * connections that only count what they are sent (see {@link BenchmarkRoom}):
 *
 * <ul>
 *   <li>{@link #deliver()}: the message arrives as another node's, and the server builds the
 *       delivery envelope, encodes it once and queues it on every member's connection. With one
 *       member this is the cost of encoding a delivery the way the server does; with many, the time
 *       divided by the members is the CPU cost per recipient.
 *   <li>{@link #send()}: a member sends it, and the server decodes the frame, stores the message
 *       (in memory), fans it out and acknowledges it: the whole request.
 * </ul>
 *
 * <p>Every trial ends by checking that each member was sent exactly the frames it should have been,
 * so a benchmark that silently stopped delivering fails instead of reporting a fast time. Run by
 * {@link MicroBenchmarks}.
 *
 * <p>Not thread-safe: JMH gives each benchmark thread an instance of its own, and the room's
 * fan-out is driven from that thread only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeliveryBenchmark {
  /** Sessions in the room, the sender's included. */
  @Param({"1", "10", "100", "1000"})
  public int members;

  /** The members' subprotocol: {@code binary} (Protobuf) or {@code json}. */
  @Param({"binary", "json"})
  public String format;

  /**
   * Distinct Send frames the sender cycles through: more than the store keeps, so a client message
   * id comes round again only after the store forgot it, and every Send is a new message.
   */
  private static final int SEND_FRAMES = 4 * BenchmarkRoom.STORE_HISTORY;

  private BenchmarkRoom room;
  private CountingConnection sender;
  private Object[] sendFrames;
  private long delivered;
  private long sent;

  /** Starts the server and joins the members. */
  @Setup(Level.Trial)
  public void open() throws IOException, InterruptedException {
    String subprotocol =
        switch (format) {
          case "binary" -> Protocol.SUBPROTOCOL_PROTOBUF;
          case "json" -> Protocol.SUBPROTOCOL_JSON;
          default -> throw new IllegalArgumentException("format is binary or json, not " + format);
        };
    room = BenchmarkRoom.open(members, subprotocol);
    sender = room.member(0);
    sendFrames = new Object[SEND_FRAMES];
    for (int i = 0; i < SEND_FRAMES; i++) {
      Envelope send = BenchmarkRoom.send(i + 1, "client-message-" + i);
      sendFrames[i] = sender.encode(send);
    }
  }

  /** Fans one stored message out to the room, as when another node stored it. */
  @Benchmark
  public void deliver() {
    room.deliverFromBus(BenchmarkRoom.storedMessage(++delivered));
  }

  /** One member sends a message: decode, store, fan-out to the room, acknowledgement. */
  @Benchmark
  public void send() {
    sender.fromClientEncoded(sendFrames[(int) (sent++ % SEND_FRAMES)]);
  }

  /** Checks every member's frame count, then stops the server. */
  @TearDown(Level.Trial)
  public void close() {
    try {
      if (delivered > 0) {
        room.requireFramesSent(delivered, delivered);
      }
      if (sent > 0) {
        // The sender also gets an acknowledgement for each message.
        room.requireFramesSent(2 * sent, sent);
      }
    } finally {
      room.close();
    }
  }
}
