package dev.parley.chat.examples.observability;

import static dev.parley.chat.examples.observability.MonitoringFiles.FOLDER;
import static dev.parley.chat.examples.observability.MonitoringFiles.file;
import static dev.parley.chat.examples.observability.MonitoringFiles.list;
import static dev.parley.chat.examples.observability.MonitoringFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The monitoring example's rules and configurations, checked by Prometheus's and Alertmanager's own
 * tools: {@code promtool check config}, {@code promtool check rules}, {@code promtool test rules}
 * (the unit tests in alerts-test.yml) and {@code amtool check-config}. Every alert must have a test
 * that expects it to fire and one that expects it to stay quiet, and the tests must notice when an
 * alert's condition is turned around.
 *
 * <p>Needs promtool and amtool ({@code apt-get install prometheus prometheus-alertmanager} on
 * Debian and Ubuntu). Without them the test is skipped, except when the environment variable {@code
 * CI} is {@code true}: there it fails. {@code PARLEY_PROMTOOL} and {@code PARLEY_AMTOOL} name other
 * executables.
 */
@Timeout(120)
class AlertRulesIT {
  private static final Pattern SUCCESS = Pattern.compile("SUCCESS: (\\d+) rules found");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");

  private static Path promtool;
  private static Path amtool;
  private Path scratch;

  @BeforeAll
  static void findTools() {
    promtool =
        MonitoringFiles.executable(
            "PARLEY_PROMTOOL", "promtool", MonitoringFiles.PROMETHEUS_PACKAGE);
    amtool =
        MonitoringFiles.executable("PARLEY_AMTOOL", "amtool", MonitoringFiles.ALERTMANAGER_PACKAGE);
  }

  @AfterEach
  void deleteScratch() throws IOException {
    if (scratch != null) {
      try (Stream<Path> files = Files.walk(scratch)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Test
  void prometheusConfigurationIsValidAndLoadsTheRules() throws Exception {
    String output =
        MonitoringFiles.run(
            FOLDER, List.of(promtool.toString(), "check", "config", "prometheus.yml"));
    assertThat(output).contains("prometheus.yml is valid prometheus config file syntax");
    assertThat(output).contains("SUCCESS: " + MonitoringFiles.rules().size() + " rules found");
  }

  @Test
  void rulesAreValidAndEveryAlertIsLabelledAndExplained() throws Exception {
    String output =
        MonitoringFiles.run(FOLDER, List.of(promtool.toString(), "check", "rules", "alerts.yml"));
    Matcher found = SUCCESS.matcher(output);
    assertThat(found.find()).as(output).isTrue();
    assertThat(Integer.parseInt(found.group(1))).isEqualTo(MonitoringFiles.rules().size());

    List<Map<String, Object>> alerts =
        MonitoringFiles.rules().stream().filter(rule -> rule.containsKey("alert")).toList();
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
    for (Map<String, Object> alert : alerts) {
      String name = (String) alert.get("alert");
      assertThat(name).startsWith("Parley");
      assertThat(alert.get("for")).as("%s: for", name).isNotNull();
      assertThat(map(alert.get("labels")).get("severity"))
          .as("%s: severity", name)
          .isIn(SEVERITIES);
      Map<String, Object> annotations = map(alert.get("annotations"));
      assertThat(annotations).as("%s: annotations", name).containsKeys("summary", "description");
      // MonitoringIT reads the signal (the expression without its threshold) from every alert.
      AlertExpression expression = AlertExpression.parse((String) alert.get("expr"));
      assertThat(AlertExpression.selectors(expression.signal())).as(name).isNotEmpty();
    }
  }

  @Test
  void unitTestsPassAndCoverEveryAlertFiringAndQuiet() throws Exception {
    String output =
        MonitoringFiles.run(
            FOLDER, List.of(promtool.toString(), "test", "rules", "alerts-test.yml"));
    assertThat(output).contains("SUCCESS");

    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    for (Object test : list(MonitoringFiles.yaml(file("alerts-test.yml")).get("tests"))) {
      Object cases = map(test).get("alert_rule_test");
      if (cases == null) {
        continue;
      }
      for (Object testCase : list(cases)) {
        Map<String, Object> alertCase = map(testCase);
        String name = (String) alertCase.get("alertname");
        (list(alertCase.get("exp_alerts")).isEmpty() ? quiet : firing).add(name);
      }
    }
    Set<String> alerts = MonitoringFiles.alerts().keySet();
    assertThat(firing).as("alerts with a test that expects them to fire").containsAll(alerts);
    assertThat(quiet).as("alerts with a test that expects them to stay quiet").containsAll(alerts);
  }

  /**
   * For each alert in turn, its comparison is turned around in a copy of alerts.yml: the unit tests
   * must then fail, naming that alert. Shows that each alert's tests depend on its condition.
   */
  @Test
  void unitTestsFailWhenAnAlertsConditionIsTurnedAround() throws Exception {
    scratch = Files.createTempDirectory("parley-alert-rules");
    Files.copy(file("alerts-test.yml"), scratch.resolve("alerts-test.yml"));
    String rules = Files.readString(file("alerts.yml"));
    List<String> unnoticed = new ArrayList<>();
    for (Map.Entry<String, String> alert : MonitoringFiles.alerts().entrySet()) {
      AlertExpression expression = AlertExpression.parse(alert.getValue());
      String original = "expr: " + alert.getValue();
      assertThat(rules).as("%s is written on one line", alert.getKey()).contains(original);
      String turned =
          "expr: "
              + expression.signal()
              + " "
              + opposite(expression.comparison())
              + " "
              + alert.getValue().substring(alert.getValue().lastIndexOf(' ') + 1);
      Files.writeString(scratch.resolve("alerts.yml"), rules.replace(original, turned));
      Process process =
          new ProcessBuilder(promtool.toString(), "test", "rules", "alerts-test.yml")
              .directory(scratch.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes());
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      if (process.exitValue() == 0 || !output.contains("alertname: " + alert.getKey())) {
        unnoticed.add(alert.getKey() + " (" + turned + ")");
      }
    }
    assertThat(unnoticed)
        .as("alerts whose turned-around condition the unit tests missed")
        .isEmpty();
  }

  @Test
  void alertmanagerConfigurationIsValid() throws Exception {
    String output =
        MonitoringFiles.run(FOLDER, List.of(amtool.toString(), "check-config", "alertmanager.yml"));
    assertThat(output).contains("SUCCESS").contains("1 receivers");
  }

  private static String opposite(String comparison) {
    return switch (comparison) {
      case ">" -> "<=";
      case ">=" -> "<";
      case "<" -> ">=";
      case "<=" -> ">";
      case "==" -> "!=";
      case "!=" -> "==";
      default -> throw new IllegalArgumentException(comparison);
    };
  }
}
