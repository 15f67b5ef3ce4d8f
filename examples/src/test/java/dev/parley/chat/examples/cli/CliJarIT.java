package dev.parley.chat.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar that {@code package} builds ({@code target/parley-cli.jar}), run the way a user
 * runs it: {@code java -jar}, in processes of its own, with input piped (not a terminal).
 */
class CliJarIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId GENERAL = RoomId.of("general");

  private final List<CliProcess> processes = new ArrayList<>();

  @AfterEach
  void stopProcesses() {
    processes.forEach(CliProcess::destroy);
  }

  @Test
  void printsTheProjectVersion() throws Exception {
    String expected = "parley-cli " + requiredProperty("parley.version");
    for (String flag : List.of("-V", "--version")) {
      CliProcess cli = start(flag);
      assertThat(cli.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(cli.process.exitValue()).isZero();
      assertThat(cli.output().strip()).isEqualTo(expected);
    }
  }

  @Test
  void twoClientsStartedAtOnceBothChat() throws Exception {
    try (ChatServer server =
            ChatServer.builder()
                .port(0)
                .disableHttp()
                .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
                .build()
                .start();
        ChatClient alicesApp = ChatClient.builder().endpoint(server.webSocketUri()).build()) {
      RecordingChatListener alicesEvents = new RecordingChatListener();
      RoomHandle alice =
          alicesApp
              .connect("alice", alicesEvents)
              .get(WAIT.toSeconds(), TimeUnit.SECONDS)
              .join(GENERAL)
              .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      String url = server.webSocketUri().toString();

      CliProcess carol = start("--url", url, "--user", "carol");
      CliProcess dave = start("--url", url, "--user", "dave");
      await()
          .atMost(WAIT)
          .until(
              () ->
                  alice
                      .onlineMembers()
                      .containsAll(List.of(UserId.of("carol"), UserId.of("dave"))));

      carol.type("from carol\n");
      dave.type("from dave\n");
      await()
          .atMost(WAIT)
          .until(() -> alicesEvents.texts().containsAll(List.of("from carol", "from dave")));
      await().atMost(WAIT).until(() -> carol.output().contains("<dave> from dave"));
      await().atMost(WAIT).until(() -> dave.output().contains("<carol> from carol"));

      carol.type("/quit\n");
      dave.endInput();
      for (CliProcess cli : List.of(carol, dave)) {
        assertThat(cli.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
            .as(cli.output())
            .isTrue();
        assertThat(cli.process.exitValue()).as(cli.output()).isZero();
      }
      assertThat(alicesEvents.texts()).containsExactlyInAnyOrder("from carol", "from dave");
    }
  }

  @Test
  void badOptionsAreExplainedWithExitCode2() throws Exception {
    CliProcess unknown = start("--colour", "blue");
    CliProcess badRoom = start("--url", "ws://127.0.0.1:9/chat", "--user", "x", "--room", "a/b");
    for (CliProcess cli : List.of(unknown, badRoom)) {
      assertThat(cli.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(cli.process.exitValue()).as(cli.output()).isEqualTo(2);
    }
    assertThat(unknown.output())
        .contains("Unknown options: '--colour', 'blue'", "Usage: parley-cli");
    assertThat(badRoom.output()).contains("! --room: ").contains("'/'");
  }

  @Test
  void theScriptRunsTheJar() throws Exception {
    Path script = Path.of(requiredProperty("basedir"), "parley-cli");
    assertThat(script).isExecutable();
    CliProcess cli =
        run(
            List.of(script.toString(), "--version"),
            Map.of("JAVA_HOME", System.getProperty("java.home")));
    assertThat(cli.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(cli.output().strip()).isEqualTo("parley-cli " + requiredProperty("parley.version"));
    assertThat(cli.process.exitValue()).isZero();
  }

  private CliProcess start(String... arguments) throws IOException {
    Path jar = Path.of(requiredProperty("parley.cli.jar"));
    assertThat(jar).as("built by `package` before the integration tests").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(arguments));
    return run(command, Map.of());
  }

  private CliProcess run(List<String> command, Map<String, String> environment) throws IOException {
    Path output = Files.createTempFile("parley-cli", ".out");
    output.toFile().deleteOnExit();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    CliProcess cli = new CliProcess(process, output);
    processes.add(cli);
    return cli;
  }

  private static String requiredProperty(String name) {
    return Objects.requireNonNull(
        System.getProperty(name), name + " is set by the failsafe configuration in the pom");
  }

  /** One client process: its input is a pipe, its output (and errors) go to a file. */
  private record CliProcess(Process process, Path outputFile) {
    void type(String text) throws IOException {
      OutputStream input = process.getOutputStream();
      input.write(text.getBytes(StandardCharsets.UTF_8));
      input.flush();
    }

    void endInput() throws IOException {
      process.getOutputStream().close();
    }

    String output() {
      try (InputStream in = Files.newInputStream(outputFile)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void destroy() {
      process.destroyForcibly();
    }
  }
}
