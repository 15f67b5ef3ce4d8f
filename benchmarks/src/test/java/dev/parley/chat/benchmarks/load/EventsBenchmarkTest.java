package dev.parley.chat.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventsBenchmarkTest {
  @Test
  void theMedianOfAnOddCountIsTheMiddleOne() {
    assertThat(EventsBenchmark.median(new double[] {9, 1, 5})).isEqualTo(5);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(EventsBenchmark.median(new double[] {4, 1, 3, 100})).isEqualTo(3.5);
  }

  @Test
  void theMedianOfNothingIsNotANumberAndTheInputIsLeftAlone() {
    assertThat(EventsBenchmark.median(new double[0])).isNaN();
    double[] values = {3, 2, 1};
    EventsBenchmark.median(values);
    assertThat(values).containsExactly(3, 2, 1);
  }

  @Test
  void eachRoundStartsOneConfigurationLater() {
    List<String> abc = List.of("A", "B", "C");
    assertThat(EventsBenchmark.rotated(abc, 0)).containsExactly("A", "B", "C");
    assertThat(EventsBenchmark.rotated(abc, 1)).containsExactly("B", "C", "A");
    assertThat(EventsBenchmark.rotated(abc, 2)).containsExactly("C", "A", "B");
    assertThat(EventsBenchmark.rotated(abc, 3)).containsExactly("A", "B", "C");
  }

  @Test
  void aRatioIsShownAsASignedChange() {
    assertThat(EventsBenchmark.change(1.074)).isEqualTo("+7.4%");
    assertThat(EventsBenchmark.change(0.95)).isEqualTo("-5.0%");
    assertThat(EventsBenchmark.change(1.0)).isEqualTo("+0.0%");
  }
}
