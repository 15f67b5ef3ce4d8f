package dev.parley.chat.transport.jws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** At most one line per interval, with a count of what it did not report. */
class PeerFaultLogTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final List<String> lines = new ArrayList<>();
  private final PeerFaultLog log = new PeerFaultLog(now::get, lines::add);

  @Test
  void aFloodOfFaultsMakesOneLinePerIntervalWithTheCountOfTheRest() {
    log.closed("socket c1", 1002, "unknown opcode");
    for (int i = 2; i <= 50; i++) {
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
      log.closed("socket c" + i, 1009, "too big");
    }
    assertThat(lines)
        .containsExactly(
            "socket c1: closed with 1002 for invalid input from the peer (unknown opcode)");

    now.addAndGet(PeerFaultLog.INTERVAL_NANOS);
    log.closed("socket c51", 1007, "not UTF-8");
    assertThat(lines)
        .hasSize(2)
        .last()
        .isEqualTo(
            "socket c51: closed with 1007 for invalid input from the peer (not UTF-8); 49 more"
                + " such closes since the last report");
  }
}
