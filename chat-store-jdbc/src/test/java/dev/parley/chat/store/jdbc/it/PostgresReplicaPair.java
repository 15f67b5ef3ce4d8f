package dev.parley.chat.store.jdbc.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * Two PostgreSQL servers of the test's own, in a temporary folder on free loopback ports: a primary
 * and a streaming replica made with {@code pg_basebackup -R}, which the primary waits for at every
 * commit ({@code synchronous_standby_names}, {@code synchronous_commit = on}). The test kills the
 * primary ({@code pg_ctl stop -m immediate}: every PostgreSQL process of it exits at once, as in a
 * crash) and promotes the replica ({@code pg_ctl promote}). {@link #close()} stops both, even after
 * a failure, and deletes the folder; a shutdown hook does the same if the JVM exits first.
 *
 * <p>Needs PostgreSQL's server programs ({@code initdb}, {@code pg_ctl}, {@code pg_basebackup}):
 * from {@code PARLEY_PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin}, else the
 * {@code PATH}. PostgreSQL refuses to run as root: as root, the programs run as the user {@code
 * postgres} through {@code runuser}. When they are missing, tests fail if the environment variable
 * {@code CI} is {@code true} and are skipped otherwise. Not thread-safe.
 */
public final class PostgresReplicaPair implements AutoCloseable {
  /** The replica's name in {@code synchronous_standby_names}. */
  private static final String STANDBY_NAME = "parley_standby";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path bin;
  private final List<String> asUser;
  private final Path dir;
  private final int primaryPort;
  private final int replicaPort;
  private final Thread cleanup;

  private PostgresReplicaPair(Path bin, List<String> asUser, Path dir, int p1, int p2) {
    this.bin = bin;
    this.asUser = asUser;
    this.dir = dir;
    this.primaryPort = p1;
    this.replicaPort = p2;
    this.cleanup = new Thread(this::stopAndDelete, "postgres-pair-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
  }

  /**
   * Creates and starts both servers and waits until the replica streams synchronously; or fails (in
   * CI) or skips (elsewhere) the calling test when PostgreSQL's programs are missing.
   */
  public static PostgresReplicaPair start() throws IOException, InterruptedException {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> asUser = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
    int primaryPort = CrashChecks.freePort();
    int replicaPort = CrashChecks.freePort();
    while (replicaPort == primaryPort) {
      replicaPort = CrashChecks.freePort();
    }
    PostgresReplicaPair pair =
        new PostgresReplicaPair(
            bin, asUser, Files.createTempDirectory("parley-pg-failover"), primaryPort, replicaPort);
    try {
      if (root) {
        run(List.of("chown", "postgres", pair.dir.toString()), List.of());
      }
      pair.create();
      return pair;
    } catch (IOException | RuntimeException | InterruptedException | Error e) {
      pair.close();
      throw e;
    }
  }

  private void create() throws IOException, InterruptedException {
    Path primary = dir.resolve("primary");
    Path replica = dir.resolve("replica");
    pg(
        "initdb",
        "-D",
        primary.toString(),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync");
    appendConfig(
        primary,
        "port = " + primaryPort,
        "wal_level = replica",
        "max_wal_senders = 4",
        "synchronous_standby_names = '" + STANDBY_NAME + "'",
        "synchronous_commit = on");
    startServer(primary);
    pg(
        "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        Integer.toString(primaryPort),
        "-U",
        "postgres",
        "-D",
        replica.toString(),
        "-R",
        "-X",
        "stream",
        "-d",
        "application_name=" + STANDBY_NAME);
    // once promoted, the replica is a primary without a standby: it must not wait for one
    appendConfig(replica, "port = " + replicaPort, "synchronous_standby_names = ''");
    startServer(replica);
    Awaitility.await("the replica to stream synchronously from the primary")
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () ->
                "sync"
                    .equals(
                        query(
                            primaryPort,
                            "SELECT sync_state FROM pg_stat_replication WHERE application_name = '"
                                + STANDBY_NAME
                                + "'")));
  }

  /** A multi-host URL that finds whichever of the two is the primary. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:"
        + primaryPort
        + ",127.0.0.1:"
        + replicaPort
        + "/postgres?targetServerType=primary";
  }

  /** The replica's own URL (no host choice), to read what it holds after a failover. */
  public String replicaUrl() {
    return "jdbc:postgresql://127.0.0.1:" + replicaPort + "/postgres";
  }

  /** The database user: {@code postgres}, trusted, no password. */
  public String user() {
    return "postgres";
  }

  /** Kills the primary as a crash would: {@code pg_ctl stop -m immediate}. */
  public void killPrimary() throws IOException, InterruptedException {
    pg("pg_ctl", "-D", dir.resolve("primary").toString(), "-m", "immediate", "-w", "stop");
  }

  /** Promotes the replica to primary and waits until it accepts writes. */
  public void promoteReplica() throws IOException, InterruptedException {
    pg("pg_ctl", "-D", dir.resolve("replica").toString(), "-w", "-t", "60", "promote");
  }

  /** Whether the replica still replays WAL (is not yet a primary). */
  public boolean replicaInRecovery() throws SQLException {
    return "t".equals(query(replicaPort, "SELECT pg_is_in_recovery()"));
  }

  private static String query(int port, String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  private void startServer(Path data) throws IOException, InterruptedException {
    pg("pg_ctl", "-D", data.toString(), "-l", data + ".log", "-w", "-t", "60", "start");
  }

  private void appendConfig(Path data, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of(lines));
    all.add("listen_addresses = '127.0.0.1'");
    all.add("unix_socket_directories = '" + dir + "'");
    all.add("max_connections = 50");
    all.add("shared_buffers = 16MB");
    Files.write(
        data.resolve("postgresql.conf"),
        all,
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
  }

  private void pg(String program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(asUser);
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    run(command, logsOf(program));
  }

  private List<Path> logsOf(String program) {
    return program.equals("pg_ctl")
        ? List.of(dir.resolve("primary.log"), dir.resolve("replica.log"))
        : List.of();
  }

  private static void run(List<String> command, List<Path> logs)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish");
    }
    if (p.exitValue() != 0) {
      StringBuilder why = new StringBuilder(new String(out, StandardCharsets.UTF_8));
      for (Path log : logs) {
        if (Files.isReadable(log)) {
          why.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
        }
      }
      throw new IllegalStateException(
          String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + why);
    }
  }

  private static Path findBin() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getenv("PARLEY_PG_BIN");
    if (configured != null) {
      candidates.add(Path.of(configured));
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions
            .filter(v -> v.getFileName().toString().matches("\\d+"))
            .sorted(
                Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString()))
                    .reversed())
            .forEach(v -> candidates.add(v.resolve("bin")));
      } catch (IOException e) {
        // fall through to the PATH
      }
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        candidates.add(Path.of(d));
      }
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c.resolve("initdb"))
          && Files.isExecutable(c.resolve("pg_ctl"))
          && Files.isExecutable(c.resolve("pg_basebackup"))) {
        return c;
      }
    }
    String how =
        "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) were not found in"
            + " PARLEY_PG_BIN, /usr/lib/postgresql/<version>/bin or the PATH; install PostgreSQL"
            + " (for example the postgresql package) to run the failover tests.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI must run the PostgreSQL failover tests. " + how);
    }
    Assumptions.abort(how);
    throw new IllegalStateException("unreachable");
  }

  private void stopAndDelete() {
    for (String server : List.of("primary", "replica")) {
      Path data = dir.resolve(server);
      if (Files.exists(data.resolve("postmaster.pid"))) {
        try {
          pg("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
        } catch (IOException | RuntimeException e) {
          // already stopped, or beyond help: the folder goes anyway
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (IOException e) {
        // a temporary folder left behind is harmless
      }
    }
  }

  /** Stops both servers and deletes their folder. */
  @Override
  public void close() {
    stopAndDelete();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook itself
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT, "primary 127.0.0.1:%d, replica 127.0.0.1:%d", primaryPort, replicaPort);
  }
}
