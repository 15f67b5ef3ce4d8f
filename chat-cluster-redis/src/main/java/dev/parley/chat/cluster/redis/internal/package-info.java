/** Implementation of the Redis cluster bus; not an API, and changes without notice. */
package dev.parley.chat.cluster.redis.internal;
