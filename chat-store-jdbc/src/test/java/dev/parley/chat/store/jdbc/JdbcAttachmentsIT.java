package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import dev.parley.chat.testkit.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the JDBC store adds for attachments: any attachment name survives the database (NUL, lone
 * surrogates), age retention removes the blobs of the messages it trims, and a database of an
 * earlier version migrates with its messages intact. On H2 and PostgreSQL.
 */
class JdbcAttachmentsIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir Path dir;
  private final AtomicLong ids = new AtomicLong();
  private final List<PostgresDatabase> databases = new ArrayList<>();

  @AfterEach
  void dropSchemas() {
    databases.forEach(PostgresDatabase::close);
  }

  private static String blob(int n) {
    return String.format("%064x", n);
  }

  private AppendRequest request(
      RoomId room, String clientId, Instant at, List<Attachment> attachments) {
    return new AppendRequest(
        room,
        MessageId.of("M" + ids.incrementAndGet()),
        UserId.of("alice"),
        ClientMessageId.of(clientId),
        at,
        "",
        new byte[0],
        attachments);
  }

  /** A builder for a new, empty database of {@code database}, reopened by calling it again. */
  private Supplier<JdbcMessageStoreBuilder> database(String database) {
    if (database.equals("h2")) {
      Path file = dir.resolve("db");
      return () -> JdbcMessageStore.builder().h2File(file);
    }
    PostgresDatabase db = PostgresDatabase.requireRunning();
    databases.add(db);
    return db::storeBuilder;
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void anyAttachmentNameSurvivesTheDatabase(String database) throws Exception {
    Supplier<JdbcMessageStoreBuilder> builder = database(database);
    RoomId room = RoomId.of("names");
    List<Attachment> attachments =
        List.of(
            Attachment.of(blob(1), "nul\u0000 tab\t\n", "text/plain", 1, 0, 0, ""),
            Attachment.of(blob(2), "lone \uD83D high, lone \uDE00 low", "text/plain", 2, 0, 0, ""),
            Attachment.of(blob(3), "\"q\" \\ ✓ 😀 \u2028", "image/png", 3, 1, 1, blob(4)));
    ChatMessage stored;
    try (JdbcMessageStore store = builder.get().build()) {
      stored =
          store.append(request(room, "n1", T0, attachments)).get(30, TimeUnit.SECONDS).message();
    }
    try (JdbcMessageStore store = builder.get().build()) {
      ChatMessage read =
          store.read(room, 1, ReadDirection.FORWARD, 1).get(30, TimeUnit.SECONDS).messages().get(0);
      assertThat(read).isEqualTo(stored);
      assertThat(read.attachments()).containsExactlyElementsOf(attachments);
      assertThat(store.referencedBlobs().get(30, TimeUnit.SECONDS))
          .containsExactlyInAnyOrder(blob(1), blob(2), blob(3), blob(4));
    }
  }

  @Test
  void ageRetentionRemovesTheBlobsOfTheMessagesItTrims() throws Exception {
    MutableClock clock = new MutableClock(T0);
    RoomId room = RoomId.of("aged");
    try (JdbcMessageStore store =
        JdbcMessageStore.builder()
            .h2File(dir.resolve("aged"))
            .retention(Retention.keepFor(Duration.ofHours(1)))
            .clock(clock)
            .build()) {
      Attachment old = Attachment.of(blob(10), "old.png", "image/png", 5, 2, 2, blob(11));
      Attachment shared = Attachment.of(blob(20), "shared.pdf", "application/pdf", 5, 0, 0, "");
      store.append(request(room, "a1", T0, List.of(old, shared))).get(30, TimeUnit.SECONDS);
      store
          .append(request(room, "a2", T0.plus(Duration.ofHours(2)), List.of(shared)))
          .get(30, TimeUnit.SECONDS);
      assertThat(store.referencedBlobs().get(30, TimeUnit.SECONDS))
          .containsExactlyInAnyOrder(blob(10), blob(11), blob(20));
      clock.set(T0.plus(Duration.ofMinutes(90)));
      assertThat(store.trimExpired()).isEqualTo(1);
      assertThat(store.referencedBlobs().get(30, TimeUnit.SECONDS)).containsExactly(blob(20));
      clock.set(T0.plus(Duration.ofHours(4)));
      assertThat(store.trimExpired()).isEqualTo(1);
      assertThat(store.referencedBlobs().get(30, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aVersionTwoDatabaseMigratesWithItsMessages(String database) throws Exception {
    String url;
    String user;
    String password;
    String schema = null;
    SqlDialect dialect;
    Supplier<JdbcMessageStoreBuilder> builder = database(database);
    if (database.equals("h2")) {
      url = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
      user = "sa";
      password = "";
      dialect = SqlDialect.H2;
    } else {
      url = PostgresDatabase.URL;
      user = PostgresDatabase.USER;
      password = PostgresDatabase.PASSWORD;
      schema = databases.get(databases.size() - 1).schema();
      dialect = SqlDialect.POSTGRESQL;
    }
    var flyway =
        Flyway.configure()
            .dataSource(url, user, password)
            .locations("classpath:dev/parley/chat/store/jdbc/migration")
            .table("parley_schema_history")
            .placeholders(Map.of("binary_type", dialect.binaryType()))
            .target("2");
    if (schema != null) {
      flyway = flyway.schemas(schema).defaultSchema(schema).createSchemas(true);
    }
    flyway.load().migrate();
    String tables = schema == null ? "" : schema + ".";
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      try (PreparedStatement s =
          c.prepareStatement("INSERT INTO " + tables + "parley_room VALUES ('old', 77, 1, 1)")) {
        s.executeUpdate();
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO "
                  + tables
                  + "parley_message VALUES ('old', 1, 'Mold', 'bob', 'c-old', 1700000000, 0, ?,"
                  + " ?)")) {
        s.setBytes(1, "from version 2".getBytes(StandardCharsets.UTF_8));
        s.setBytes(2, new byte[0]);
        s.executeUpdate();
      }
    }
    RoomId room = RoomId.of("old");
    try (JdbcMessageStore store = builder.get().build()) {
      ChatMessage old =
          store
              .read(room, 1, ReadDirection.FORWARD, 10)
              .get(30, TimeUnit.SECONDS)
              .messages()
              .get(0);
      assertThat(old.text()).isEqualTo("from version 2");
      assertThat(old.attachments()).isEmpty();
      assertThat(store.referencedBlobs().get(30, TimeUnit.SECONDS)).isEmpty();
      Attachment file = Attachment.of(blob(5), "new.txt", "text/plain", 9, 0, 0, "");
      ChatMessage added =
          store
              .append(request(room, "c-new", T0, List.of(file)))
              .get(30, TimeUnit.SECONDS)
              .message();
      assertThat(added.seq()).isEqualTo(2);
      assertThat(store.position(room).get(30, TimeUnit.SECONDS).epoch()).isEqualTo(77);
      assertThat(store.referencedBlobs().get(30, TimeUnit.SECONDS)).containsExactly(blob(5));
    }
  }
}
