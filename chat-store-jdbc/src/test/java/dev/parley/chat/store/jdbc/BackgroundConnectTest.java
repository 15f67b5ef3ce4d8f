package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.spi.AppendRequest;
import dev.parley.chat.spi.AppendResult;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcMessageStoreBuilder#connectInBackground()}: the store is built while its database
 * fails, refuses calls retryably, connects once the database answers, and stops trying when closed.
 */
class BackgroundConnectTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final RoomId ROOM = RoomId.of("general");

  /** A data source whose first {@code failures} connections fail, then hands out H2 connections. */
  private static DataSource failing(int failures, AtomicInteger attempts, String name) {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    return (DataSource)
        Proxy.newProxyInstance(
            BackgroundConnectTest.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getConnection")
                  && attempts.incrementAndGet() <= failures) {
                throw new SQLException("connection refused (attempt " + attempts.get() + ")");
              }
              try {
                return method.invoke(h2, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static AppendRequest request(String clientId) {
    return new AppendRequest(
        ROOM,
        MessageId.of("M" + clientId),
        UserId.of("alice"),
        ClientMessageId.of(clientId),
        Instant.parse("2026-01-01T00:00:00Z"),
        "text " + clientId,
        new byte[0]);
  }

  private static long initialiserThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("parley-store-init-"))
        .count();
  }

  @Test
  void callsFailRetryablyUntilTheDatabaseAnswersThenTheStoreServes() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    try (JdbcMessageStore store =
        JdbcMessageStore.builder()
            .dataSource(failing(3, attempts, "background-serves"), SqlDialect.H2)
            .connectInBackground(Duration.ofMillis(50), Duration.ofMillis(200))
            .build()) {
      if (!store.isInitialised()) {
        assertThatThrownBy(() -> store.append(request("early")).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(JdbcStoreException.class);
      }
      Awaitility.await().atMost(WAIT).until(store::isInitialised);
      assertThat(attempts.get()).isGreaterThan(3);
      assertThat(store.failedInitialisationAttempts()).isEqualTo(3);

      AppendResult first = store.append(request("c1")).get(10, TimeUnit.SECONDS);
      assertThat(first.message().seq()).isEqualTo(1);
      assertThat(first.duplicate()).isFalse();
      assertThat(store.position(ROOM).get(10, TimeUnit.SECONDS).headSeq()).isEqualTo(1);
      assertThat(
              store.read(ROOM, 0, ReadDirection.FORWARD, 10).get(10, TimeUnit.SECONDS).messages())
          .extracting(m -> m.clientMessageId().value())
          .containsExactly("c1");
    }
    Awaitility.await().atMost(WAIT).until(() -> initialiserThreads() == 0);
  }

  @Test
  void callsBeforeTheDatabaseAnswersFailWithAJdbcStoreException() {
    AtomicInteger attempts = new AtomicInteger();
    try (JdbcMessageStore store =
        JdbcMessageStore.builder()
            .dataSource(failing(Integer.MAX_VALUE, attempts, "background-refuses"), SqlDialect.H2)
            .connectInBackground(Duration.ofMillis(50), Duration.ofMillis(100))
            .build()) {
      Awaitility.await().atMost(WAIT).until(() -> attempts.get() >= 3);
      assertThat(store.isInitialised()).isFalse();
      assertThat(store.append(request("c1")))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(JdbcStoreException.class);
      assertThat(store.position(ROOM))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(JdbcStoreException.class);
      assertThat(store.read(ROOM, 0, ReadDirection.FORWARD, 10))
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(JdbcStoreException.class);
    }
  }

  @Test
  void closeStopsTheAttemptsAndLeavesNoThread() {
    AtomicInteger attempts = new AtomicInteger();
    JdbcMessageStore store =
        JdbcMessageStore.builder()
            .dataSource(failing(Integer.MAX_VALUE, attempts, "background-close"), SqlDialect.H2)
            .connectInBackground(Duration.ofMillis(20), Duration.ofMillis(40))
            .build();
    Awaitility.await().atMost(WAIT).until(() -> attempts.get() >= 3);
    assertThat(initialiserThreads()).isPositive();

    store.close();

    Awaitility.await().atMost(WAIT).until(() -> initialiserThreads() == 0);
    int afterClose = attempts.get();
    assertThat(store.isInitialised()).isFalse();
    assertThat(store.append(request("late")))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class);
    assertThat(attempts.get()).as("attempts after close").isEqualTo(afterClose);
  }

  @Test
  void badRetryDelaysAreRefusedWithTheValues() {
    assertThatThrownBy(
            () ->
                JdbcMessageStore.builder()
                    .connectInBackground(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT0S");
    assertThatThrownBy(
            () ->
                JdbcMessageStore.builder()
                    .connectInBackground(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT2S")
        .hasMessageContaining("PT1S");
    assertThatThrownBy(
            () -> JdbcMessageStore.builder().connectInBackground(null, Duration.ofSeconds(1)))
        .isInstanceOf(NullPointerException.class);
  }
}
