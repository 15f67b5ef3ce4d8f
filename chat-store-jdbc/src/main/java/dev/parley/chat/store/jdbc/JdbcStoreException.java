package dev.parley.chat.store.jdbc;

/**
 * The database failed or refused an operation. Appends and reads that fail this way may be retried.
 *
 * <p>Immutable and thread-safe.
 */
public final class JdbcStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message and its cause. */
  public JdbcStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
