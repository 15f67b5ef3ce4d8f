package dev.parley.chat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code in the documentation is copied from compiled files, never typed by hand. A Markdown code
 * block right after {@code <!-- snippet: path/File.java#name -->} must equal the lines between
 * {@code // snippet:start name} and {@code // snippet:end name} of that file (indentation and blank
 * lines at either end removed).
 */
class DocSnippetsTest {
  private static final Pattern MARKER =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```\\w*\\R(.*?)\\R```", Pattern.DOTALL);

  private final Path root =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

  @Test
  void everySnippetMatchesItsSource() throws IOException {
    List<Path> documents = documents();
    int checked = 0;
    for (Path document : documents) {
      Matcher marker = MARKER.matcher(Files.readString(document));
      while (marker.find()) {
        String expected = region(root.resolve(marker.group(1)), marker.group(2));
        assertThat(marker.group(3))
            .as("snippet %s#%s in %s", marker.group(1), marker.group(2), root.relativize(document))
            .isEqualTo(expected);
        checked++;
      }
    }
    assertThat(checked).as("snippets found in README.md and docs/").isPositive();
  }

  @Test
  void theReadmeQuickstartIsASnippet() throws IOException {
    assertThat(Files.readString(root.resolve("README.md")))
        .contains(
            "<!-- snippet: examples/src/main/java/dev/parley/chat/examples/quickstart/"
                + "Quickstart.java#quickstart -->");
  }

  private List<Path> documents() throws IOException {
    List<Path> documents = new ArrayList<>();
    documents.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    return documents;
  }

  /** The lines between the region's markers, with their common indentation removed. */
  static String region(Path source, String name) throws IOException {
    List<String> lines = Files.readAllLines(source);
    int start = indexOf(lines, "// snippet:start " + name, source);
    int end = indexOf(lines, "// snippet:end " + name, source);
    List<String> body = new ArrayList<>(lines.subList(start + 1, end));
    while (!body.isEmpty() && body.get(0).isBlank()) {
      body.remove(0);
    }
    while (!body.isEmpty() && body.get(body.size() - 1).isBlank()) {
      body.remove(body.size() - 1);
    }
    int indent =
        body.stream()
            .filter(line -> !line.isBlank())
            .mapToInt(line -> line.length() - line.stripLeading().length())
            .min()
            .orElse(0);
    return String.join(
        "\n", body.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList());
  }

  private static int indexOf(List<String> lines, String marker, Path source) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(marker)) {
        return i;
      }
    }
    throw new AssertionError("no line '" + marker + "' in " + source);
  }
}
