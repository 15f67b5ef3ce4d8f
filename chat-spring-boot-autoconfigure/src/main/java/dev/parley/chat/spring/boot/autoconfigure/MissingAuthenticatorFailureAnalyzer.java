package dev.parley.chat.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link MissingAuthenticatorException} at startup as a description and an action instead
 * of a stack trace. Registered in {@code META-INF/spring.factories}; stateless and thread-safe.
 */
public final class MissingAuthenticatorFailureAnalyzer
    extends AbstractFailureAnalyzer<MissingAuthenticatorException> {
  /** Used by Spring Boot. */
  public MissingAuthenticatorFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, MissingAuthenticatorException cause) {
    return new FailureAnalysis(
        "Parley's chat server was about to start without an Authenticator: it would not know who"
            + " its clients are.",
        "Declare a bean of type dev.parley.chat.spi.Authenticator (it turns each client's token"
            + " into a user id, or refuses it). For demos and tests only, set"
            + " parley.development-authenticator=true to accept anyone under any nickname. To run"
            + " no chat server in this application, set parley.enabled=false.",
        cause);
  }
}
