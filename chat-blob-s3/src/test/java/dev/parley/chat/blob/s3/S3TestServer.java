package dev.parley.chat.blob.s3;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A real S3-compatible server for the tests: S3Proxy, in this JVM, on a free loopback port, over
 * jclouds' in-memory ("transient") storage, checking AWS signatures (V2 or V4) with its own keys.
 * Nothing has to be installed or started beforehand, in CI or elsewhere.
 *
 * <p>Thread-safe (S3Proxy serves on Jetty's threads; the jclouds view is thread-safe).
 */
final class S3TestServer implements AutoCloseable {
  static final String ACCESS_KEY = "parley-test-access";
  static final String SECRET_KEY = "parley-test-secret";

  private final BlobStoreContext context;
  private final S3Proxy proxy;
  private final URI endpoint;

  private S3TestServer(BlobStoreContext context, S3Proxy proxy) {
    this.context = context;
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Starts a server with empty storage. */
  static S3TestServer start() throws Exception {
    Properties overrides = new Properties();
    BlobStoreContext context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .overrides(overrides)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(proxy.getState()));
    return new S3TestServer(context, proxy);
  }

  URI endpoint() {
    return endpoint;
  }

  /** A new, empty bucket no other test uses. */
  String newBucket() {
    String bucket =
        "parley-" + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
    backend().createContainerInLocation(null, bucket);
    return bucket;
  }

  /** The storage behind the server, read directly (not through S3). */
  BlobStore backend() {
    return context.getBlobStore();
  }

  /** How many objects {@code bucket} holds, counted in the storage behind the server. */
  int objectCount(String bucket) {
    int count = 0;
    String marker = null;
    do {
      ListContainerOptions options = ListContainerOptions.Builder.recursive();
      if (marker != null) {
        options.afterMarker(marker);
      }
      var page = backend().list(bucket, options);
      for (StorageMetadata m : page) {
        if (m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
          count++;
        }
      }
      marker = page.getNextMarker();
    } while (marker != null);
    return count;
  }

  /** A store builder aimed at this server and {@code bucket}. */
  S3BlobStore.Builder storeBuilder(String bucket) {
    return S3BlobStore.builder()
        .bucket(bucket)
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .pathStyleAccess(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .apiCallTimeout(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping S3Proxy", e);
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    } finally {
      context.close();
    }
  }
}
