/** Implementation of the JDBC store; not an API, and changes without notice. */
package dev.parley.chat.store.jdbc.internal;
