package dev.parley.chat.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The command-line client's version, as the build wrote it into {@code parley-cli.properties} (a
 * filtered resource). Stateless and thread-safe.
 */
final class CliVersion implements CommandLine.IVersionProvider {
  private static final String RESOURCE = "parley-cli.properties";

  /** The project's version, such as {@code 0.1.0-SNAPSHOT}. */
  static String version() {
    try (InputStream in = CliVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing from the class path; build the client with Maven");
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      if (version == null || version.isBlank() || version.startsWith("${")) {
        throw new IllegalStateException(RESOURCE + " holds no version; it was not filtered");
      }
      return version;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"parley-cli " + version()};
  }
}
