package dev.parley.chat.server.internal;

/**
 * Counts the frames one fan-out writes, so that the metrics see one update per fan-out instead of
 * one per recipient: in a room of a thousand members that is two counter updates per message
 * instead of two thousand.
 *
 * <p>Not thread-safe: one fan-out uses it, on the thread that holds the room's monitor.
 */
final class FrameTally {
  private long jsonFrames;
  private long jsonBytes;
  private long binaryFrames;
  private long binaryBytes;

  void add(boolean json, long bytes) {
    if (json) {
      jsonFrames++;
      jsonBytes += bytes;
    } else {
      binaryFrames++;
      binaryBytes += bytes;
    }
  }

  void recordTo(ServerMetrics metrics) {
    if (jsonFrames > 0) {
      metrics.framesOut(true, jsonFrames, jsonBytes);
    }
    if (binaryFrames > 0) {
      metrics.framesOut(false, binaryFrames, binaryBytes);
    }
  }
}
