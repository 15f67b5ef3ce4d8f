package dev.parley.chat.testkit.store;

/**
 * A fault a store's own test puts under the store for {@link MessageStoreConformanceSuite}: the
 * store's next write to its storage is held, then fails, as when the store loses its connection to
 * its database in the middle of a batch of appends. Writes after that one go through.
 *
 * <p>Implementations are thread-safe: the suite calls them on its own thread while the store's
 * threads write.
 */
public interface AppendFault {
  /** Holds the store's next write (a transaction, a file write...) until {@link #failHeld()}. */
  void holdNextWrite();

  /** Waits until a write is held; fails the calling test if none is within the given seconds. */
  void awaitHeld(long timeoutSeconds) throws InterruptedException;

  /** Makes the held write fail, and lets it go on. */
  void failHeld();
}
