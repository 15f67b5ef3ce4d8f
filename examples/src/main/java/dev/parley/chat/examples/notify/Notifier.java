package dev.parley.chat.examples.notify;

/**
 * Delivers a notification somewhere (a log, a webhook, a push or mail service).
 *
 * <p>The {@link NotificationWorker} calls it after the transaction that wrote the notification has
 * committed, on the worker's flusher thread, one notification at a time. When {@link #deliver}
 * returns, the notification is marked delivered; when it throws, the worker tries it again on a
 * later flush. A notification can therefore be delivered more than once (the worker stopped between
 * the call and the mark, or the call failed after the far side had acted); {@link
 * Notification#id()} is the same every time, so the far side can drop repeats.
 *
 * <p>Implementations need not be thread-safe when used by one worker; an instance shared by several
 * workers must be.
 */
@FunctionalInterface
public interface Notifier {
  /**
   * Delivers {@code notification}; returns normally only when it was accepted.
   *
   * @throws Exception if it was not (the worker tries again later)
   */
  void deliver(Notification notification) throws Exception;
}
