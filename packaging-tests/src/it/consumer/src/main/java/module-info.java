/** A Parley application on the module path: it requires the server, the client and the store. */
module com.example.consumer {
  requires dev.parley.chat.server;
  requires dev.parley.chat.client;
  requires dev.parley.chat.store.jdbc;
  requires java.net.http;
}
