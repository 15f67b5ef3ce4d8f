package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineCpuTest {
  @Test
  void busyTimeIsEverythingButIdleAndIowaitAndGuestIsNotCountedTwice() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] ticks = MachineCpu.parseCpuLine("cpu  100 10 50 800 20 5 5 10 40 0").orElseThrow();
    assertThat(ticks[0]).isEqualTo(100 + 10 + 50 + 5 + 5 + 10);
    assertThat(ticks[1]).isEqualTo(100 + 10 + 50 + 800 + 20 + 5 + 5 + 10);
  }

  @Test
  void anOldKernelsShortLineIsRead() {
    assertThat(MachineCpu.parseCpuLine("cpu 1 2 3 4").orElseThrow()).containsExactly(6, 10);
  }

  @Test
  void otherLinesAreNotCpuLines() {
    assertThat(MachineCpu.parseCpuLine("intr 12345 0 0")).isEmpty();
    assertThat(MachineCpu.parseCpuLine("cpu a b c d")).isEmpty();
    assertThat(MachineCpu.parseCpuLine("")).isEmpty();
  }

  @Test
  void aProcessStatLineGivesItsCommandAndUserPlusSystemTicks() {
    String stat =
        "2991 (beam.smp) S 2950 2950 2950 0 -1 4194560 24818 0 4 0 1234 567 0 0 20 0 29 0 1501"
            + " 2400000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 1024 0 0 0 17 1 0 0 0 0 0";
    MachineCpu.ProcessStat s = MachineCpu.parseProcessStat(stat).orElseThrow();
    assertThat(s.command()).isEqualTo("beam.smp");
    assertThat(s.ticks()).isEqualTo(1234 + 567);
  }

  @Test
  void aCommandWithSpacesAndParenthesesIsReadWhole() {
    String stat = "42 (a (b) c) R 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 9 0 0";
    MachineCpu.ProcessStat s = MachineCpu.parseProcessStat(stat).orElseThrow();
    assertThat(s.command()).isEqualTo("a (b) c");
    assertThat(s.ticks()).isEqualTo(10);
  }

  @Test
  void aTruncatedProcessStatLineIsNotRead() {
    assertThat(MachineCpu.parseProcessStat("42 (x) R 1 2 3")).isEmpty();
    assertThat(MachineCpu.parseProcessStat("no parentheses")).isEmpty();
  }

  @Test
  void theDatabaseAndTheBrokerAreKnownByTheirCommands() {
    assertThat(MachineCpu.group("postgres")).isEqualTo(MachineCpu.POSTGRES);
    assertThat(MachineCpu.group("beam.smp")).isEqualTo(MachineCpu.RABBITMQ);
    assertThat(MachineCpu.group("java")).isNull();
  }

  @Test
  void threadsOfOneKindShareAGroup() {
    assertThat(MachineCpu.threadGroup("parley-events-rabbitmq-11-io"))
        .isEqualTo("parley-events-rabbitmq-#-io");
    assertThat(MachineCpu.threadGroup("parley-event-relay-1"))
        .isEqualTo(MachineCpu.threadGroup("parley-event-relay-2"));
  }

  @Test
  void sharesBetweenTwoSamples() {
    MachineCpu earlier =
        new MachineCpu(
            100, 1_000, Map.of(MachineCpu.POSTGRES, 50L), Map.of("relay", 1_000_000_000L), 0);
    MachineCpu later =
        new MachineCpu(
            400,
            2_000,
            Map.of(MachineCpu.POSTGRES, 150L, MachineCpu.RABBITMQ, 20L),
            Map.of("relay", 1_500_000_000L, "new", 200_000_000L),
            2_000_000_000L);
    assertThat(later.machineBusySince(earlier)).isEqualTo(0.3);
    assertThat(later.machineCoresSince(earlier, 2)).isEqualTo(0.6);
    // 100 ticks (1 s) in 2 s; a group first seen later counts from 0
    assertThat(later.processCoresSince(earlier, MachineCpu.POSTGRES)).isEqualTo(0.5);
    assertThat(later.processCoresSince(earlier, MachineCpu.RABBITMQ)).isEqualTo(0.1);
    assertThat(later.threadCoresSince(earlier).get("relay")).isCloseTo(0.25, within(1e-9));
    assertThat(later.threadCoresSince(earlier).get("new")).isCloseTo(0.1, within(1e-9));
  }

  @Test
  void unknownSharesAreNegative() {
    MachineCpu earlier = new MachineCpu(0, 0, Map.of(), Map.of(), 0);
    MachineCpu later = new MachineCpu(0, 0, Map.of(), Map.of(), 1_000);
    assertThat(later.machineBusySince(earlier)).isNegative();
    assertThat(later.machineCoresSince(earlier, 2)).isNegative();
    assertThat(later.processCoresSince(earlier, MachineCpu.POSTGRES)).isNegative();
  }

  @Test
  void aSampleOfThisMachineKnowsThisJvm() {
    MachineCpu a = MachineCpu.sample();
    MachineCpu b = MachineCpu.sample();
    assertThat(b.wallNanos()).isGreaterThanOrEqualTo(a.wallNanos());
    assertThat(b.threadNanos()).isNotEmpty();
  }
}
