package dev.parley.chat.examples.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An alert's expression in the form alerts.yml keeps to: {@code <signal> <comparison> <threshold>},
 * and the metric selectors a PromQL expression reads. Immutable.
 *
 * <p>The selectors are found by a deliberately small reading of PromQL that is enough for the
 * expressions in alerts.yml and the dashboard: label lists of {@code by}, {@code without}, {@code
 * on}, {@code ignoring} and {@code group_left/right} and range durations are removed; what remains
 * of a name not followed by {@code (} and not a keyword is a metric name, with its label matchers.
 *
 * @param signal the expression without its final comparison: the value the threshold is set on
 * @param comparison the comparison operator, such as {@code >}
 * @param threshold the number compared with
 */
record AlertExpression(String signal, String comparison, double threshold) {
  private static final Pattern FORM =
      Pattern.compile("(?s)^(.+?)\\s*(==|!=|>=|<=|>|<)\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*$");
  private static final Pattern LABEL_LISTS =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern NAME =
      Pattern.compile(
          "(?<![A-Za-z0-9_:.\"])([A-Za-z_:][A-Za-z0-9_:]*)\\s*(\\{[^}]*\\})?(\\s*\\()?");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring");

  /**
   * Splits {@code expression} at its final comparison with a number.
   *
   * @throws IllegalArgumentException if it does not end in one
   */
  static AlertExpression parse(String expression) {
    Matcher matcher = FORM.matcher(expression.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "not of the form '<signal> <comparison> <threshold>': " + expression);
    }
    return new AlertExpression(
        matcher.group(1).strip(), matcher.group(2), Double.parseDouble(matcher.group(3)));
  }

  /**
   * The metric selectors {@code expression} reads, each as written (name and label matchers), in
   * order of appearance.
   */
  static List<String> selectors(String expression) {
    String reduced = RANGES.matcher(LABEL_LISTS.matcher(expression).replaceAll(" ")).replaceAll("");
    List<String> selectors = new ArrayList<>();
    Matcher matcher = NAME.matcher(reduced);
    while (matcher.find()) {
      String name = matcher.group(1);
      boolean call = matcher.group(3) != null;
      if (call || KEYWORDS.contains(name)) {
        continue;
      }
      String selector = name + (matcher.group(2) == null ? "" : matcher.group(2));
      if (!selectors.contains(selector)) {
        selectors.add(selector);
      }
    }
    return selectors;
  }

  /** The metric name of {@code selector}, without its label matchers. */
  static String metricName(String selector) {
    int brace = selector.indexOf('{');
    return brace < 0 ? selector : selector.substring(0, brace);
  }
}
