package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micrometer is optional: a server runs a client's message through without it on the class path,
 * and with it present but turned off loads none of its classes. Each case runs in a JVM of its own
 * that logs every class it loads.
 */
class WithoutMicrometerIT {
  @TempDir Path dir;

  @Test
  void serverRunsWithoutMicrometerOnTheClassPath() throws Exception {
    String classPath = testClassPath();
    String without =
        Arrays.stream(classPath.split(File.pathSeparator))
            .filter(entry -> !entry.contains("micrometer"))
            .collect(Collectors.joining(File.pathSeparator));
    assertThat(without).isNotEqualTo(classPath); // Micrometer was there, and is gone
    Run run = run(without, "default");
    assertThat(run.output()).contains("stored seq 1");
    assertThat(run.micrometerClasses()).isEmpty();
  }

  @Test
  void serverWithMetricsOffLoadsNoMicrometerClass() throws Exception {
    Run run = run(testClassPath(), "off");
    assertThat(run.output()).contains("stored seq 1");
    assertThat(run.micrometerClasses()).isEmpty();
  }

  @Test
  void serverWithMicrometerPresentRecordsInTheGlobalRegistry() throws Exception {
    // The check above can fail: by default, with Micrometer present, its classes are loaded.
    Run run = run(testClassPath(), "default");
    assertThat(run.output()).contains("stored seq 1");
    assertThat(run.micrometerClasses()).anyMatch(line -> line.contains("Metrics"));
  }

  private record Run(String output, List<String> loaded) {
    List<String> micrometerClasses() {
      return loaded.stream().filter(line -> line.contains(" io.micrometer.")).toList();
    }
  }

  private Run run(String classPath, String mode) throws IOException, InterruptedException {
    Path classLog = dir.resolve("classes-" + mode + "-" + classPath.hashCode() + ".log");
    Path output = dir.resolve("out-" + mode + "-" + classPath.hashCode() + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xlog:class+load=info:file=" + classLog);
    command.add("-cp");
    command.add(classPath);
    command.add(MetricsFreeServerMain.class.getName());
    command.add(mode);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the server JVM did not finish in 120 s: " + Files.readString(output));
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(out).isZero();
    List<String> loaded = Files.readAllLines(classLog, StandardCharsets.UTF_8);
    // the log is real: it lists the server's own classes
    assertThat(loaded)
        .anyMatch(line -> line.contains("dev.parley.chat.server.internal.ServerCore"));
    return new Run(out, loaded);
  }

  /** The test JVM's class path (Surefire and Failsafe may hide it behind a manifest-only jar). */
  private static String testClassPath() {
    String path = System.getProperty("surefire.test.class.path");
    return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
  }
}
