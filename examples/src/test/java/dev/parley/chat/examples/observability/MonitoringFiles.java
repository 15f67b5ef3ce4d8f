package dev.parley.chat.examples.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The monitoring example's files ({@code examples/observability}) and the Prometheus tools that
 * check them, for the tests. Stateless; safe from any thread.
 */
final class MonitoringFiles {
  /** The folder with prometheus.yml, alerts.yml, alertmanager.yml and grafana/. */
  static final Path FOLDER =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("observability");

  /** Debian's package for promtool and prometheus. */
  static final String PROMETHEUS_PACKAGE = "prometheus";

  /** Debian's package for prometheus-alertmanager and amtool. */
  static final String ALERTMANAGER_PACKAGE = "prometheus-alertmanager";

  private MonitoringFiles() {}

  static Path file(String relative) {
    return FOLDER.resolve(relative);
  }

  /**
   * The executable {@code name}: the path in the environment variable {@code override} if set, else
   * the first of /usr/bin, /usr/local/bin and the PATH that has it. When it is missing the calling
   * test is skipped with a message saying what to install, except when the environment variable
   * {@code CI} is {@code true}: there it fails.
   */
  static Path executable(String override, String name, String debianPackage) {
    Optional<Path> found = find(override, name);
    if (found.isEmpty()) {
      String message =
          "the monitoring tests need "
              + name
              + " (not found; set "
              + override
              + " or install it with `apt-get install "
              + debianPackage
              + "`)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + ". CI=true: the monitoring tests must not be skipped on CI.");
      }
      Assumptions.abort("skipped: " + message);
    }
    return found.get();
  }

  private static Optional<Path> find(String override, String name) {
    String given = System.getenv(override);
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given)).filter(Files::isExecutable);
    }
    List<String> folders = new ArrayList<>(List.of("/usr/bin", "/usr/local/bin"));
    String path = System.getenv("PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(File.pathSeparator)));
    }
    return folders.stream()
        .filter(folder -> !folder.isBlank())
        .map(folder -> Path.of(folder, name))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * Runs {@code command} in {@code directory} to its end (at most 60 s) and returns what it printed
   * (output and errors); fails the test, showing that output, unless it exits with 0.
   */
  static String run(Path directory, List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(command + " did not finish within 60 s; it printed:\n" + output);
    }
    assertThat(process.exitValue()).as("%s printed:%n%s", command, output).isZero();
    return output;
  }

  /** A YAML file as maps and lists (SnakeYAML's safe constructor: no arbitrary types). */
  static Map<String, Object> yaml(Path path) throws IOException {
    return map(load(path));
  }

  /** A YAML file's content, whatever its top level is (a map, a list...). */
  static Object load(Path path) throws IOException {
    try (Reader reader = Files.newBufferedReader(path)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<Object>) value;
  }

  /** Every rule of alerts.yml (recording and alerting), in file order. */
  static List<Map<String, Object>> rules() throws IOException {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object group : list(yaml(file("alerts.yml")).get("groups"))) {
      for (Object rule : list(map(group).get("rules"))) {
        rules.add(map(rule));
      }
    }
    return rules;
  }

  /** The alerting rules of alerts.yml by alert name, in file order: name to expression. */
  static Map<String, String> alerts() throws IOException {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (Map<String, Object> rule : rules()) {
      if (rule.containsKey("alert")) {
        alerts.put((String) rule.get("alert"), ((String) rule.get("expr")).strip());
      }
    }
    return alerts;
  }
}
