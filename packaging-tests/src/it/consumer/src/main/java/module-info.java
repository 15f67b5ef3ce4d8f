/** A Parley application on the module path: the server, the client, the store, the cluster bus,
 * JWT authentication. */
module com.example.consumer {
  requires dev.parley.chat.server;
  requires dev.parley.chat.client;
  requires dev.parley.chat.store.jdbc;
  requires dev.parley.chat.cluster.redis;
  requires dev.parley.chat.auth.jwt;
  requires java.net.http;
}
