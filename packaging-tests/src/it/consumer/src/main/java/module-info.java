/** A Parley application on the module path: the server, the client, the store, the cluster bus,
 * JWT authentication, the RabbitMQ event sink and the S3 blob store. */
module com.example.consumer {
  requires dev.parley.chat.server;
  requires dev.parley.chat.client;
  requires dev.parley.chat.store.jdbc;
  requires dev.parley.chat.cluster.redis;
  requires dev.parley.chat.auth.jwt;
  requires dev.parley.chat.events.rabbitmq;
  requires dev.parley.chat.blob.s3;
  requires com.rabbitmq.client;
  requires java.net.http;
  requires jdk.httpserver;
}
