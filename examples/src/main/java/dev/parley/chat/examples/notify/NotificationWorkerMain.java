package dev.parley.chat.examples.notify;

import java.net.URI;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link NotificationWorker} in the foreground until Ctrl-C, printing every notification
 * (and, given a webhook URL, posting it there too):
 *
 * <pre>
 * NotificationWorkerMain amqp://guest:guest@127.0.0.1:5672/%2f jdbc:h2:./target/notifications \
 *     [http://127.0.0.1:8080/notify]
 * </pre>
 *
 * <p>A PostgreSQL URL carries its user and password as parameters ({@code
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). How to run it:
 * docs/notification-worker.md.
 *
 * <p>Not thread-safe; a program entry point. Notifications are printed on the worker's flusher
 * thread.
 */
public final class NotificationWorkerMain {
  private NotificationWorkerMain() {}

  /**
   * Starts the worker.
   *
   * @param args the AMQP URI, the JDBC URL, and optionally a webhook URL
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println(
          "usage: NotificationWorkerMain <amqp-uri> <jdbc-url> [webhook-url]\n"
              + "  e.g. amqp://guest:guest@127.0.0.1:5672/%2f jdbc:h2:./target/notifications");
      System.exit(2);
      return;
    }
    Notifier webhook = args.length == 3 ? new WebhookNotifier(URI.create(args[2])) : null;
    Notifier printing =
        n -> {
          System.out.printf(
              "notify %s: %d new message(s) in %s (seq %d..%d, since %s) id %s%n",
              n.user(), n.count(), n.room(), n.firstSeq(), n.lastSeq(), n.windowStart(), n.id());
          if (webhook != null) {
            webhook.deliver(n);
          }
        };
    // snippet:start notification-worker
    NotificationWorker worker =
        NotificationWorker.builder()
            .uri(args[0]) // amqp://guest:guest@127.0.0.1:5672/%2f
            .jdbcUrl(args[1], null, null) // jdbc:h2:./notifications, jdbc:postgresql://...
            .notifier(printing) // or new WebhookNotifier(URI.create("https://..."))
            .build(); // declares queue parley.notifications, starts consuming
    // snippet:end notification-worker
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  stopped.countDown();
                },
                "parley-notify-shutdown"));
    System.out.println(
        "Notification worker consuming queue "
            + worker.queue()
            + " ("
            + String.join(", ", NotificationWorker.BINDING_KEYS)
            + "). Ctrl-C stops it.");
    stopped.await();
  }
}
