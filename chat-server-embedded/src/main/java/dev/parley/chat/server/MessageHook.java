package dev.parley.chat.server;

/**
 * The application's hook on the message path: screens each message before it is stored (accept,
 * reject with a reason the sender sees, or rewrite its text) and learns of each message after it is
 * stored. Register with {@link ChatServerBuilder#messageHook}. Every method has a default that does
 * nothing; override what you need.
 *
 * <p><b>Threads.</b> Never called on a transport I/O thread. {@link #beforeStore} runs on the
 * server's worker executor, one call at a time per room, in the order the messages arrived, so
 * per-room and per-sender order hold; calls for different rooms may run at the same time, on
 * different threads. {@link #afterStore} runs on the worker executor too, one call at a time per
 * room in the order the store reported the messages stored (seq order with the built-in stores; use
 * the seq where order matters), after the message has been handed to delivery and acknowledged: it
 * never delays delivery. An implementation shared by several rooms must therefore be thread-safe.
 *
 * <p><b>Time budget.</b> {@link #beforeStore} has {@link ChatServerBuilder#hookTimeout} (default
 * {@link ChatServerBuilder#DEFAULT_HOOK_TIMEOUT}) from the moment the message reaches its room's
 * lane. A call that throws, returns null, rewrites to text the server would refuse, or does not
 * return within the budget fails the message: the sender gets {@code UNAVAILABLE} (retryable),
 * nothing is stored, and the sender's later messages to that room are refused until it resends this
 * one, as after a store failure. A call still blocked holds up its own room only: that room's later
 * messages wait behind it and fail when their budget passes, while other rooms go on.
 *
 * <p><b>Several hooks</b> run in the order they were registered: each sees the text as the previous
 * one left it, and the first rejection ends the screening.
 *
 * <p>Hooks also see server-side publishes ({@link ServerRooms#publish}); {@link
 * BeforeStoreEvent#fromServer()} tells them apart. A resend of a message that was already stored is
 * screened again, but the store keeps the first copy.
 */
public interface MessageHook {
  /**
   * Decides what happens to a message before it is stored.
   *
   * @param event the message as the sender wrote it (or as an earlier hook rewrote it)
   * @return {@link MessageVerdict#accept()}, {@link MessageVerdict#reject(String)} or {@link
   *     MessageVerdict#rewrite(String)}; never null
   */
  default MessageVerdict beforeStore(BeforeStoreEvent event) {
    return MessageVerdict.accept();
  }

  /**
   * A message was stored, delivered to the room's members on this node and acknowledged to its
   * sender: the place for the application's own side effects (notifications, indexing). Not called
   * for a resend the store recognised as a duplicate. What this method throws is logged and
   * otherwise ignored.
   */
  default void afterStore(AfterStoreEvent event) {}
}
