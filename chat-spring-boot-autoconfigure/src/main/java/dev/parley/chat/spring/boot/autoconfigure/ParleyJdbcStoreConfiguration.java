package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomAccessStore;
import dev.parley.chat.store.jdbc.JdbcMessageStore;
import dev.parley.chat.store.jdbc.JdbcMessageStoreBuilder;
import dev.parley.chat.store.jdbc.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A durable {@link JdbcMessageStore} on the application's own {@link DataSource}, when
 * chat-store-jdbc is on the class path, the application has one DataSource (or a primary one) and
 * no {@link MessageStore} of its own. The database (H2 or PostgreSQL) is read from the connection's
 * URL; the store creates or migrates its tables (history in {@code parley_schema_history}) and
 * never closes the DataSource.
 *
 * <p>With a {@link ClusterBus} bean too, the rooms' access (visibility, roles, bans, mutes) goes in
 * the same database ({@link JdbcMessageStore#roomAccessStore()}), unless the application has a
 * {@link RoomAccessStore} of its own: the nodes of a cluster must share it for a ban to hold on
 * every node. A single node keeps the server's in-memory access store.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JdbcMessageStore.class)
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(prefix = "parley.store.jdbc", name = "enabled", matchIfMissing = true)
class ParleyJdbcStoreConfiguration {
  @Bean
  @ConditionalOnMissingBean(MessageStore.class)
  @ConditionalOnSingleCandidate(DataSource.class)
  JdbcMessageStore parleyMessageStore(
      DataSource dataSource, ParleyProperties properties, ObjectProvider<ClusterBus> clusterBus) {
    ParleyProperties.Jdbc jdbc = properties.getStore().getJdbc();
    JdbcMessageStoreBuilder builder =
        JdbcMessageStore.builder().dataSource(dataSource, dialectOf(dataSource));
    if (jdbc.getSchema() != null) {
      builder.schema(jdbc.getSchema());
    }
    boolean clustered = clusterBus.getIfAvailable() != null;
    builder.exclusiveWriter(
        jdbc.getExclusiveWriter() != null ? jdbc.getExclusiveWriter() : !clustered);
    return builder.build();
  }

  /**
   * The JDBC store's access store, shared by the nodes of a cluster. Declared after the message
   * store so that it sees the one made above as well as the application's own. Closed with the
   * message store, not here.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean(RoomAccessStore.class)
  @ConditionalOnBean({ClusterBus.class, JdbcMessageStore.class})
  RoomAccessStore parleyRoomAccessStore(JdbcMessageStore store) {
    return store.roomAccessStore();
  }

  private static SqlDialect dialectOf(DataSource dataSource) {
    String url;
    try (Connection connection = dataSource.getConnection()) {
      url = connection.getMetaData().getURL();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Parley could not reach the application's DataSource to set up its message store: "
              + e.getMessage(),
          e);
    }
    try {
      return SqlDialect.forJdbcUrl(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          e.getMessage()
              + ". Set parley.store.jdbc.enabled=false to keep Parley's messages in memory, or"
              + " declare a MessageStore bean of your own",
          e);
    }
  }
}
