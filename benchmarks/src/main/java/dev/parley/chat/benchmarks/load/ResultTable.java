package dev.parley.chat.benchmarks.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's figures: one row per measurement, one column per system, then Parley's ratio to each
 * baseline. Not thread-safe.
 */
final class ResultTable {
  private final List<String> systems;
  private final Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
  private final Map<String, String> formats = new LinkedHashMap<>();

  ResultTable(List<String> systems) {
    this.systems = List.copyOf(systems);
  }

  List<String> systems() {
    return systems;
  }

  void put(String row, String system, double value, String format) {
    rows.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(system, value);
    formats.putIfAbsent(row, format);
  }

  /** Prints a Markdown table. */
  void print(PrintStream out) {
    List<String> header = new ArrayList<>();
    header.add("measurement");
    header.addAll(systems);
    List<String> parleys = systems.stream().filter(Systems::isParley).toList();
    for (String p : parleys) {
      header.add(p + "/B1");
      header.add(p + "/B2");
    }
    // what metrics cost: each metered system against the same system without metrics
    List<String> metered =
        systems.stream()
            .filter(s -> s.endsWith(Systems.METRICS) && systems.contains(unmetered(s)))
            .toList();
    for (String m : metered) {
      header.add(m + "/" + unmetered(m));
    }
    List<List<String>> lines = new ArrayList<>();
    lines.add(header);
    for (var row : rows.entrySet()) {
      List<String> line = new ArrayList<>();
      line.add(row.getKey());
      Map<String, Double> values = row.getValue();
      for (String s : systems) {
        Double v = values.get(s);
        line.add(v == null ? "-" : String.format(formats.get(row.getKey()), v));
      }
      for (String p : parleys) {
        line.add(ratio(values.get(p), values.get(Systems.B1)));
        line.add(ratio(values.get(p), values.get(Systems.B2)));
      }
      for (String m : metered) {
        line.add(ratio(values.get(m), values.get(unmetered(m))));
      }
      lines.add(line);
    }
    int[] widths = new int[header.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    for (int n = 0; n < lines.size(); n++) {
      out.println(format(lines.get(n), widths));
      if (n == 0) {
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
          rule.add("-".repeat(w));
        }
        out.println(format(rule, widths));
      }
    }
  }

  private static String unmetered(String system) {
    return system.substring(0, system.length() - Systems.METRICS.length());
  }

  private static String ratio(Double parley, Double baseline) {
    if (parley == null || baseline == null || baseline == 0) {
      return "-";
    }
    return String.format("%.2fx", parley / baseline);
  }

  private static String format(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder("|");
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      b.append(' ').append(i == 0 ? pad(c, widths[i]) : padLeft(c, widths[i])).append(" |");
    }
    return b.toString();
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(width - s.length()) + s;
  }
}
