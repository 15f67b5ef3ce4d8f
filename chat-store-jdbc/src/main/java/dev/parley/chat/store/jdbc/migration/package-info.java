/**
 * Not API: the store's schema migrations, SQL scripts that Flyway runs when the store is built. The
 * package holds no classes; it exists so that the module can open it, which lets Flyway find the
 * scripts when the store runs on the module path.
 */
package dev.parley.chat.store.jdbc.migration;
