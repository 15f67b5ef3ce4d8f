package dev.parley.chat.examples.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Notifier} that writes each notification to the SLF4J logger {@code
 * dev.parley.chat.examples.notify.LoggingNotifier} at INFO. The worker's default.
 *
 * <p>Thread-safe; logs on the calling thread.
 */
public final class LoggingNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(LoggingNotifier.class);

  @Override
  public void deliver(Notification n) {
    LOG.info(
        "notify {}: {} new message(s) in {} (seq {}..{}) [{}]",
        n.user(),
        n.count(),
        n.room(),
        n.firstSeq(),
        n.lastSeq(),
        n.id());
  }
}
