/** Implementation of JWT authentication; not an API, and changes without notice. */
package dev.parley.chat.auth.jwt.internal;
