/**
 * The S3 blob store. The AWS SDK types a caller hands the builder (credentials, region) are read
 * transitively; the rest of the SDK stays out of the API.
 *
 * <p>The name ends in {@code s3}, the service's own name, and the SDK's jars are automatic modules
 * that the API has to pass on; the compiler's two warnings about that are expected.
 */
@SuppressWarnings({"module", "requires-transitive-automatic"})
module dev.parley.chat.blob.s3 {
  requires transitive dev.parley.chat.api;
  requires transitive software.amazon.awssdk.auth;
  requires transitive software.amazon.awssdk.regions;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;
  requires software.amazon.awssdk.retries.api;
  requires software.amazon.awssdk.services.s3;
  requires software.amazon.awssdk.utils;
  requires org.slf4j;

  exports dev.parley.chat.blob.s3;
}
