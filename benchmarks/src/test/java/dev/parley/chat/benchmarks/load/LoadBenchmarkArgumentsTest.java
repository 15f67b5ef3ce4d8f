package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** M7's arguments: a room size and a rate that make sense, or a clear error. */
class LoadBenchmarkArgumentsTest {
  @Test
  void membersAndRateWithinBoundsAreTaken() {
    assertThat(LoadBenchmark.m7Members("100")).isEqualTo(100);
    assertThat(LoadBenchmark.m7Members("10000")).isEqualTo(10_000);
    assertThat(LoadBenchmark.m7Rate("2")).isEqualTo(2.0);
    assertThat(LoadBenchmark.m7Rate("0.5")).isEqualTo(0.5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"99", "10001", "0", "-5", "many", ""})
  void aRoomSizeOutOfBoundsOrNotANumberIsRefused(String text) {
    assertThatThrownBy(() -> LoadBenchmark.m7Members(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("members must be");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "NaN", "Infinity", "fast", ""})
  void aRateThatIsNotPositiveOrNotANumberIsRefused(String text) {
    assertThatThrownBy(() -> LoadBenchmark.m7Rate(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("m7rate must be");
  }
}
