package dev.parley.chat.client.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The outbound side of an SSE session, without the HTTP: frames waiting to be posted, the batch in
 * flight and the session's {@code Parley-Post-Seq}. A batch takes up to {@link #MAX_BATCH_FRAMES}
 * frames from the head of the queue, as long as its body stays within {@link #MAX_BATCH_BYTES} (one
 * frame alone may be larger: the server then refuses it, as a WebSocket would refuse the message).
 * A batch stays in flight, and its frames in the queue and in {@link #bufferedBytes()}, until it is
 * {@linkplain #acknowledged() acknowledged}; until then {@link #next()} hands out the same batch
 * again, same body and same number, which is how a POST whose answer was lost is repeated. A single
 * frame is posted as one envelope, several as a JSON array.
 *
 * <p>Bounded: {@link #offer} refuses a frame past {@code maxFrames} or {@code maxBytes}. Not
 * thread-safe: guarded by its connection.
 */
final class SsePostQueue {
  /** Most frames in one POST (the protocol's limit). */
  static final int MAX_BATCH_FRAMES = 64;

  /** Largest POST body this client builds from several frames (the server takes 256 KiB). */
  static final int MAX_BATCH_BYTES = 256 * 1024;

  /** One POST: its number, its body, and how much of the queue it carries. */
  record Batch(long seq, byte[] body, int frames, long binaryBytes) {}

  private record Frame(byte[] json, int binaryBytes) {}

  private final int maxFrames;
  private final long maxBytes;
  private final ArrayDeque<Frame> queue = new ArrayDeque<>();
  private long queuedBytes;
  private long nextSeq = 1;
  private Batch inFlight;

  SsePostQueue(int maxFrames, long maxBytes) {
    this.maxFrames = maxFrames;
    this.maxBytes = maxBytes;
  }

  /**
   * Queues one frame.
   *
   * @param json the frame as one JSON envelope
   * @param binaryBytes its size in the binary form the client handed over, for {@link
   *     #bufferedBytes()}
   * @return false, queueing nothing, if the queue is full
   */
  boolean offer(String json, int binaryBytes) {
    if (queue.size() >= maxFrames || queuedBytes + binaryBytes > maxBytes) {
      return false;
    }
    queue.add(new Frame(json.getBytes(StandardCharsets.UTF_8), binaryBytes));
    queuedBytes += binaryBytes;
    return true;
  }

  /** The batch to post now (the one in flight, if any), or null when nothing waits. */
  Batch next() {
    if (inFlight != null) {
      return inFlight;
    }
    if (queue.isEmpty()) {
      return null;
    }
    Iterator<Frame> frames = queue.iterator();
    Frame first = frames.next();
    int count = 1;
    long binary = first.binaryBytes();
    int size = first.json().length + 2;
    ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(size * 4, MAX_BATCH_BYTES));
    body.write('[');
    body.writeBytes(first.json());
    while (count < MAX_BATCH_FRAMES && frames.hasNext()) {
      Frame frame = frames.next();
      if (size + frame.json().length + 1 > MAX_BATCH_BYTES) {
        break;
      }
      body.write(',');
      body.writeBytes(frame.json());
      size += frame.json().length + 1;
      binary += frame.binaryBytes();
      count++;
    }
    body.write(']');
    byte[] bytes = count == 1 ? first.json() : body.toByteArray();
    inFlight = new Batch(nextSeq, bytes, count, binary);
    return inFlight;
  }

  /** The server took the batch in flight: its frames leave the queue, the number moves on. */
  void acknowledged() {
    if (inFlight == null) {
      throw new IllegalStateException("no batch in flight");
    }
    for (int i = 0; i < inFlight.frames(); i++) {
      queuedBytes -= queue.poll().binaryBytes();
    }
    nextSeq++;
    inFlight = null;
  }

  /** Whether a batch was handed out and not acknowledged. */
  boolean hasInFlight() {
    return inFlight != null;
  }

  /** Frames queued, including those in flight. */
  int size() {
    return queue.size();
  }

  /** Binary bytes queued, including those in flight. */
  long bufferedBytes() {
    return queuedBytes;
  }

  /** Drops everything. */
  void clear() {
    queue.clear();
    queuedBytes = 0;
    inFlight = null;
  }
}
