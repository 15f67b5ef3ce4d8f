package dev.parley.chat.cluster.redis.internal;

import dev.parley.chat.cluster.redis.internal.BusEvent.Origin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one node knows of the others: which are live and until when, and how far each one's events
 * have arrived. Pure bookkeeping, no I/O, so the rules are tested without Redis.
 *
 * <p>A node is <em>known</em> from the moment this node sees its lease or hears an event from it,
 * and stays known until its lease, as last seen, runs out or it is reported down; leaving the known
 * set is what makes the bus call {@code onNodeDown}, so that happens once per departure. A node
 * that is merely missing from a scan (Redis restarted empty and it has not renewed yet) is not
 * dropped before the lease it last held runs out.
 *
 * <p>Not thread-safe: confined to the bus thread.
 */
public final class PeerTracker {
  /** What to do with an arriving event. */
  public enum Verdict {
    /** The next event of its sender, or the first heard from this run of it: deliver it. */
    DELIVER,
    /** Events of the sender were skipped: resync, then deliver this one. */
    DELIVER_AFTER_GAP,
    /** Already seen, or older than one seen: drop it. */
    STALE
  }

  /**
   * The outcome of a scan of the lease set.
   *
   * @param expired nodes whose lease in Redis has run out: try to remove them
   * @param down known nodes whose lease has run out: tell the listener, in this order
   */
  public record ScanResult(List<String> expired, List<String> down) {}

  private record Track(long incarnation, long lastSequence) {}

  private final String self;
  private final Map<String, Long> leaseExpiry = new HashMap<>();
  private final Map<String, Track> tracks = new HashMap<>();
  private final Map<String, Long> droppedDuringScan = new HashMap<>();
  private long scansStarted;

  /** Bookkeeping for node {@code self}, which never counts itself. */
  public PeerTracker(String self) {
    this.self = Objects.requireNonNull(self, "self");
  }

  /** Checks an event's place in its sender's sequence and records it. */
  public Verdict accept(Origin origin) {
    Track track = tracks.get(origin.nodeId());
    if (track == null || track.incarnation() != origin.incarnation()) {
      tracks.put(origin.nodeId(), new Track(origin.incarnation(), origin.sequence()));
      return Verdict.DELIVER;
    }
    if (origin.sequence() <= track.lastSequence()) {
      return Verdict.STALE;
    }
    tracks.put(origin.nodeId(), new Track(origin.incarnation(), origin.sequence()));
    return origin.sequence() == track.lastSequence() + 1
        ? Verdict.DELIVER
        : Verdict.DELIVER_AFTER_GAP;
  }

  /**
   * Forgets how far each sender's events arrived: after a resubscription the listener resyncs
   * anyway, so the events missed meanwhile must not count as a second gap.
   */
  public void forgetSequences() {
    tracks.clear();
  }

  /** {@code node} is live at least until {@code expiresAtMillis}. */
  public void markAlive(String node, long expiresAtMillis) {
    if (!node.equals(self)) {
      leaseExpiry.merge(node, expiresAtMillis, Math::max);
    }
  }

  /** Whether {@code node} is known (counted live). */
  public boolean isKnown(String node) {
    return leaseExpiry.containsKey(node);
  }

  /**
   * {@code node} was reported down. Returns whether it was known, in which case the listener must
   * hear of it; scans started before this call no longer bring it back.
   */
  public boolean markDown(String node) {
    tracks.remove(node);
    if (leaseExpiry.remove(node) == null) {
      return false;
    }
    droppedDuringScan.put(node, scansStarted);
    return true;
  }

  /** A scan of the lease set is being sent; returns its number, for {@link #onScan}. */
  public long scanStarted() {
    return ++scansStarted;
  }

  /**
   * Takes in scan {@code scan}'s answer: each node in the lease set with its lease expiry, read at
   * {@code nowMillis}.
   */
  public ScanResult onScan(long scan, Map<String, Long> leases, long nowMillis) {
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, Long> lease : leases.entrySet()) {
      String node = lease.getKey();
      if (node.equals(self)) {
        continue;
      }
      if (lease.getValue() <= nowMillis) {
        expired.add(node);
      } else if (droppedDuringScan.getOrDefault(node, Long.MIN_VALUE) < scan) {
        markAlive(node, lease.getValue());
      }
    }
    droppedDuringScan.values().removeIf(startedBefore -> startedBefore < scan);
    List<String> down = new ArrayList<>();
    for (Iterator<Map.Entry<String, Long>> it = leaseExpiry.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> known = it.next();
      if (known.getValue() <= nowMillis) {
        it.remove();
        tracks.remove(known.getKey());
        droppedDuringScan.put(known.getKey(), scansStarted);
        down.add(known.getKey());
      }
    }
    return new ScanResult(expired, down);
  }
}
