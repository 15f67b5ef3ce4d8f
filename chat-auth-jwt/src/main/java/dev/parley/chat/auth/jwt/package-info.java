/**
 * An {@link dev.parley.chat.spi.Authenticator} that accepts signed JSON Web Tokens: see {@link
 * dev.parley.chat.auth.jwt.JwtAuthenticator} and {@link
 * dev.parley.chat.auth.jwt.JwtAuthenticatorBuilder}; a refusal is a {@link
 * dev.parley.chat.auth.jwt.JwtRefusalException} that names, for the server's own logs and tests,
 * which check failed.
 */
package dev.parley.chat.auth.jwt;
