package dev.parley.chat.examples.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertExpressionTest {
  @Test
  void splitsAtTheFinalComparison() {
    AlertExpression expression =
        AlertExpression.parse(
            "max by (job, instance, name) (resilience4j_circuitbreaker_state{job=\"parley\","
                + " state=~\"open|forced_open\"}) > 0");
    assertThat(expression.signal())
        .isEqualTo(
            "max by (job, instance, name) (resilience4j_circuitbreaker_state{job=\"parley\","
                + " state=~\"open|forced_open\"})");
    assertThat(expression.comparison()).isEqualTo(">");
    assertThat(expression.threshold()).isEqualTo(0.0);

    AlertExpression ratio =
        AlertExpression.parse("parley_connections_open{job=\"parley\"} / 16000 > 0.8");
    assertThat(ratio.signal()).isEqualTo("parley_connections_open{job=\"parley\"} / 16000");
    assertThat(ratio.threshold()).isEqualTo(0.8);

    assertThat(AlertExpression.parse("(sum(parley:node_ready) or vector(0)) < 1").comparison())
        .isEqualTo("<");
  }

  @Test
  void refusesAnExpressionWithoutAThreshold() {
    assertThatThrownBy(() -> AlertExpression.parse("absent(up{job=\"parley\"})"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absent(up");
  }

  @Test
  void findsTheSelectorsNotTheFunctionsLabelsOrKeywords() {
    assertThat(
            AlertExpression.selectors(
                "histogram_quantile(0.99, sum by (job, instance, le)"
                    + " (rate(parley_send_ack_seconds_bucket{job=\"parley\"}[5m])))"))
        .containsExactly("parley_send_ack_seconds_bucket{job=\"parley\"}");
    assertThat(
            AlertExpression.selectors(
                "(parley_draining{job=\"parley\"} == bool 0) * on (job, instance) group_left ()"
                    + " ((parley_bus_lease_current{job=\"parley\"} == bool 1)"
                    + " or on (job, instance) (parley_draining{job=\"parley\"} * 0 + 1))"))
        .containsExactly(
            "parley_draining{job=\"parley\"}", "parley_bus_lease_current{job=\"parley\"}");
    assertThat(AlertExpression.selectors("(sum(parley:node_ready) or vector(0)) < 1"))
        .containsExactly("parley:node_ready");
    assertThat(AlertExpression.metricName("up{job=\"parley\"}")).isEqualTo("up");
  }
}
