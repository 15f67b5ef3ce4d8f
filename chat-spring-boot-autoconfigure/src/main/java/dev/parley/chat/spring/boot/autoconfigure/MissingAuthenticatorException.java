package dev.parley.chat.spring.boot.autoconfigure;

/**
 * The application has no {@code dev.parley.chat.spi.Authenticator} bean, so the auto-configured
 * chat server cannot tell who its clients are. Parley never picks an authenticator that accepts
 * everyone by itself; {@link MissingAuthenticatorFailureAnalyzer} turns this into a startup report
 * that says what to do. Immutable, so thread-safe; thrown on the thread that refreshes the context.
 */
public final class MissingAuthenticatorException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with the message that says how to provide an authenticator. */
  public MissingAuthenticatorException() {
    super(
        "Parley's chat server needs an Authenticator: declare a bean of type"
            + " dev.parley.chat.spi.Authenticator that turns a client's token into a user id, or,"
            + " for demos and tests only, set parley.development-authenticator=true to accept"
            + " anyone under any nickname (or parley.enabled=false to run no chat server)");
  }
}
