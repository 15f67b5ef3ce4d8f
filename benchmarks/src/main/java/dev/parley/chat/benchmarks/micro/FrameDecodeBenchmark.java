package dev.parley.chat.benchmarks.micro;

import dev.parley.chat.protocol.internal.BinaryFrames;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.FrameDecodeException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The server's decode of a client frame: a binary Send (room, client message id, 100 bytes of text)
 * through {@link BinaryFrames#decode}, the call the server makes for every binary frame a
 * connection receives. Run by {@link MicroBenchmarks}.
 *
 * <p>Not thread-safe: JMH gives each benchmark thread an instance of its own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameDecodeBenchmark {
  private ByteBuffer send;

  /** Encodes the frame the benchmark decodes. */
  @Setup
  public void encode() {
    send = BinaryFrames.encode(BenchmarkRoom.send(7, "client-message-000001"));
  }

  /** Decodes one Send frame. */
  @Benchmark
  public Envelope decodeSend() throws FrameDecodeException {
    return BinaryFrames.decode(send);
  }
}
