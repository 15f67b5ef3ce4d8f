package dev.parley.chat.events.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's connection and its one channel in confirm mode: opened when first needed, left to the
 * AMQP client's automatic recovery when lost, replaced when recovery has not brought it back within
 * {@value #GIVE_UP_INTERVALS} recovery intervals (by the sink's clock), and a new channel opened
 * when the broker closed the old one. The exchange is declared on every new channel.
 *
 * <p>Not thread-safe: only the sink's publishing thread calls {@link #channel()} and {@link
 * #discardChannel()}, and {@link #close()} once that thread has ended (the fields are volatile for
 * a close whose wait for it ran out). The AMQP client's threads only write the time the connection
 * was lost.
 */
final class BrokerConnection {
  private static final Logger LOG = LoggerFactory.getLogger(RabbitMqEventSink.class);

  /** Recovery intervals after which a connection still down is replaced. */
  static final int GIVE_UP_INTERVALS = 5;

  private final ConnectionFactory factory;
  private final String where;
  private final String exchange;
  private final Duration recoveryInterval;
  private final Duration connectTimeout;
  private final Clock clock;
  private volatile Instant lostAt;
  private volatile Connection connection;
  private volatile Channel channel;

  BrokerConnection(
      ConnectionFactory factory,
      String where,
      String exchange,
      Duration recoveryInterval,
      Duration connectTimeout,
      Clock clock) {
    this.factory = factory;
    this.where = where;
    this.exchange = exchange;
    this.recoveryInterval = recoveryInterval;
    this.connectTimeout = connectTimeout;
    this.clock = clock;
  }

  /**
   * An open channel in confirm mode, on the current connection or a new one.
   *
   * @throws ChatException {@code UNAVAILABLE} while the client recovers a lost connection
   * @throws IOException if connecting, opening the channel or declaring the exchange failed
   */
  Channel channel() throws IOException {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    if (connection != null && !connection.isOpen()) {
      Instant lost = lostAt;
      Duration down = lost == null ? Duration.ZERO : Duration.between(lost, clock.instant());
      if (down.compareTo(recoveryInterval.multipliedBy(GIVE_UP_INTERVALS)) < 0) {
        throw new ChatException(
            ErrorCode.UNAVAILABLE,
            "the connection to RabbitMQ at " + where + " is down; the client is reconnecting");
      }
      LOG.warn("RabbitMQ event sink: the connection has been down for {}; opening a new one", down);
      connection.abort((int) connectTimeout.toMillis());
      connection = null;
    }
    if (connection == null) {
      connection = connect();
    }
    Channel ch = connection.createChannel();
    if (ch == null) {
      throw new ChatException(
          ErrorCode.UNAVAILABLE,
          "RabbitMQ at " + where + " has no channel left for the event sink");
    }
    ch.confirmSelect();
    ch.exchangeDeclare(exchange, "topic", true);
    channel = ch;
    return ch;
  }

  private Connection connect() throws IOException {
    Connection opened;
    try {
      opened = factory.newConnection("parley-events");
    } catch (TimeoutException e) {
      throw new IOException("timed out connecting", e);
    }
    lostAt = null;
    opened.addShutdownListener(
        cause -> {
          lostAt = clock.instant();
          if (!cause.isInitiatedByApplication()) {
            LOG.warn(
                "RabbitMQ event sink: the connection to {} was lost: {}",
                where,
                cause.getMessage());
          }
        });
    if (opened instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(
          new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable r) {
              lostAt = null;
              LOG.info("RabbitMQ event sink: the connection to {} is back", where);
            }

            @Override
            public void handleRecoveryStarted(Recoverable r) {
              // logged when lost
            }
          });
    }
    LOG.info("RabbitMQ event sink: connected to {}, exchange {}", where, exchange);
    return opened;
  }

  void discardChannel() {
    Channel ch = channel;
    channel = null;
    if (ch != null) {
      try {
        ch.abort();
      } catch (IOException | RuntimeException e) {
        LOG.debug("RabbitMQ event sink: aborting a channel failed", e);
      }
    }
  }

  /** Aborts the connection, which ends the AMQP client's threads (recovery included). */
  void close() {
    Connection open = connection;
    connection = null;
    channel = null;
    if (open != null) {
      open.abort((int) connectTimeout.toMillis());
    }
  }
}
