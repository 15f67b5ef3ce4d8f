/**
 * The {@link dev.parley.chat.spi.Authenticator} conformance suite: subclass {@link
 * dev.parley.chat.testkit.auth.AuthenticatorConformanceSuite} in your authenticator's tests.
 */
package dev.parley.chat.testkit.auth;
