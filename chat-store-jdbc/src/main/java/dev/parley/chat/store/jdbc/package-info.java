/**
 * A durable {@link dev.parley.chat.spi.MessageStore} on JDBC: an H2 file database by default
 * (nothing to install), PostgreSQL for scale. The application adds the driver of the database it
 * uses ({@code com.h2database:h2} or {@code org.postgresql:postgresql}); this module brings
 * neither.
 *
 * <pre>{@code
 * JdbcMessageStore store = JdbcMessageStore.builder()
 *     .h2File(Path.of("data/parley"))
 *     .build();
 * ChatServer server = ChatServer.builder().messageStore(store).build().start();
 * }</pre>
 *
 * <p>A send is acknowledged only after the transaction holding it has committed. Concurrent sends
 * share transactions (group commit), so durability does not cost one disk flush per message.
 */
package dev.parley.chat.store.jdbc;
