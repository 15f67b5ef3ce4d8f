package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineCpuTest {
  @Test
  void busyTimeIsEverythingButIdleAndIowaitAndGuestIsNotCountedTwice() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] ticks = MachineCpu.parse("cpu  100 10 50 800 20 5 5 10 40 0").orElseThrow();
    assertThat(ticks[0]).isEqualTo(100 + 10 + 50 + 5 + 5 + 10);
    assertThat(ticks[1]).isEqualTo(100 + 10 + 50 + 800 + 20 + 5 + 5 + 10);
  }

  @Test
  void anOldKernelsShortLineIsRead() {
    long[] ticks = MachineCpu.parse("cpu 1 2 3 4").orElseThrow();
    assertThat(ticks).containsExactly(6, 10);
  }

  @Test
  void otherLinesAreNotCpuLines() {
    assertThat(MachineCpu.parse("intr 12345 0 0")).isEmpty();
    assertThat(MachineCpu.parse("cpu a b c d")).isEmpty();
    assertThat(MachineCpu.parse("")).isEmpty();
  }

  @Test
  void sharesBetweenTwoSamples() {
    MachineCpu earlier = new MachineCpu(100, 1_000, 2_000_000_000L, 0);
    MachineCpu later = new MachineCpu(400, 2_000, 3_000_000_000L, 2_000_000_000L);
    assertThat(later.machineBusySince(earlier)).isEqualTo(0.3);
    assertThat(later.processCoresSince(earlier)).isEqualTo(0.5);
  }

  @Test
  void unknownSharesAreNegative() {
    MachineCpu earlier = new MachineCpu(0, 0, -1, 0);
    MachineCpu later = new MachineCpu(0, 0, -1, 1_000);
    assertThat(later.machineBusySince(earlier)).isNegative();
    assertThat(later.processCoresSince(earlier)).isNegative();
  }
}
