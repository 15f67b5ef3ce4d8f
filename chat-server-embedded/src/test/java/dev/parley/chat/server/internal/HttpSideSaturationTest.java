package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where /readyz starts saying Parley-Saturated: true (90% of the connection limit). */
class HttpSideSaturationTest {
  @ParameterizedTest
  @CsvSource({
    "0, 1, false",
    "1, 1, true",
    "1, 2, false",
    "2, 2, true",
    "8, 10, false",
    "9, 10, true",
    "10, 10, true",
    "899, 1000, false",
    "900, 1000, true",
    "2147483647, 2147483647, true"
  })
  void saturatedFromNinetyPercentOfTheLimit(int open, int max, boolean saturated) {
    assertThat(HttpSide.saturated(open, max)).isEqualTo(saturated);
  }
}
