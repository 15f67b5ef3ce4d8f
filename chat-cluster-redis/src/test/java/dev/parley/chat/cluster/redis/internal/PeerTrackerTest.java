package dev.parley.chat.cluster.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.cluster.redis.internal.BusEvent.Origin;
import dev.parley.chat.cluster.redis.internal.PeerTracker.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerTrackerTest {
  private final PeerTracker peers = new PeerTracker("self");

  @Test
  void sequencesAreDeliveredOnceAndGapsNoticed() {
    assertThat(peers.accept(new Origin("a", 1, 5))).isEqualTo(Verdict.DELIVER);
    assertThat(peers.accept(new Origin("a", 1, 6))).isEqualTo(Verdict.DELIVER);
    assertThat(peers.accept(new Origin("a", 1, 6))).isEqualTo(Verdict.STALE);
    assertThat(peers.accept(new Origin("a", 1, 4))).isEqualTo(Verdict.STALE);
    assertThat(peers.accept(new Origin("a", 1, 9))).isEqualTo(Verdict.DELIVER_AFTER_GAP);
    assertThat(peers.accept(new Origin("a", 2, 1))).as("a new run").isEqualTo(Verdict.DELIVER);
    peers.forgetSequences();
    assertThat(peers.accept(new Origin("a", 2, 7))).isEqualTo(Verdict.DELIVER);
  }

  @Test
  void aKnownNodeIsDownOnceWhenItsLastSeenLeaseRunsOut() {
    PeerTracker.ScanResult first =
        peers.onScan(peers.scanStarted(), Map.of("a", 1_000L, "self", 1_000L), 100);
    assertThat(first.down()).isEmpty();
    assertThat(peers.isKnown("a")).isTrue();
    assertThat(peers.isKnown("self")).isFalse();

    // Redis restarted empty: a is missing, but its lease has not run out yet
    assertThat(peers.onScan(peers.scanStarted(), Map.of(), 500).down()).isEmpty();
    assertThat(peers.onScan(peers.scanStarted(), Map.of(), 1_000).down()).containsExactly("a");
    assertThat(peers.onScan(peers.scanStarted(), Map.of(), 2_000).down()).isEmpty();
  }

  @Test
  void expiredLeasesAreOfferedForRemovalButUnknownNodesAreNotReportedDown() {
    PeerTracker.ScanResult result =
        peers.onScan(peers.scanStarted(), Map.of("dead", 50L, "live", 900L), 100);
    assertThat(result.expired()).containsExactly("dead");
    assertThat(result.down()).isEmpty();
  }

  @Test
  void aScanSentBeforeANodeWasReportedDownDoesNotBringItBack() {
    peers.markAlive("a", 1_000);
    long inFlight = peers.scanStarted();
    assertThat(peers.markDown("a")).isTrue();
    assertThat(peers.markDown("a")).as("reported once").isFalse();
    peers.onScan(inFlight, Map.of("a", 1_000L), 100);
    assertThat(peers.isKnown("a")).isFalse();
    peers.onScan(peers.scanStarted(), Map.of("a", 2_000L), 200);
    assertThat(peers.isKnown("a")).as("a later scan sees it rejoined").isTrue();
  }
}
