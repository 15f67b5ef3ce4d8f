package dev.parley.chat.store.jdbc;

/**
 * When the store acknowledges an append, and so what a crash can lose.
 *
 * <p>Immutable and thread-safe.
 */
public enum Durability {
  /**
   * The default: an append is acknowledged after its transaction committed. On PostgreSQL the store
   * runs with {@code synchronous_commit = on}: the commit's WAL record was flushed to disk, so
   * nothing acknowledged is lost when Parley, PostgreSQL or the machine crashes (as long as the
   * server runs with {@code fsync = on}). On an H2 file database the commit was written to the
   * database file: nothing acknowledged is lost when the process is killed; a power failure may
   * lose what the operating system had not yet written to the disk.
   */
  COMMITTED,

  /**
   * Opt-in and faster: an append is acknowledged before its commit is flushed. On PostgreSQL
   * ({@code synchronous_commit = off}) a crash of the PostgreSQL server or its machine can lose the
   * last appends acknowledged within about three times {@code wal_writer_delay} (600 ms with the
   * default settings); a crash of Parley loses nothing. On H2 ({@code WRITE_DELAY} 500 ms) a crash
   * of the process can lose the appends of the last second.
   */
  RELAXED
}
