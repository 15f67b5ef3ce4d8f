package dev.parley.chat.blob.s3;

import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.spi.BlobTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link BlobStore} on Amazon S3 or an S3-compatible object store (MinIO, Ceph, S3Proxy and the
 * like). Each blob is one object, named {@code <keyPrefix><sha256>}, in one bucket that must exist.
 *
 * <p>{@link #put} streams the content to a temporary local file while hashing it (and stops at the
 * limit), asks the bucket with {@code HeadObject} whether the object exists, and only if it does
 * not, uploads the file with {@code PutObject}; if it does, copies the object onto itself ({@code
 * CopyObject}, inside the bucket) so that its time is refreshed as the {@link BlobStore#put}
 * contract asks. An upload is atomic in S3, so a failed put leaves nothing readable. {@link
 * BlobInfo#storedAt()} is the object's {@code Last-Modified}, in whole seconds. {@link #open} reads
 * a byte range with a ranged {@code GetObject}; {@link #forEach} pages through {@code
 * ListObjectsV2} under the prefix and skips keys that are not blob ids.
 *
 * <p>Failures: a missing object is {@link NoSuchFileException} from {@link #open}; every other
 * failure of the SDK (the server, the network, a timeout) is an {@link IOException} with the SDK's
 * exception as its cause. Every call is bounded by {@link Builder#apiCallTimeout}.
 *
 * <p>Thread-safe: the SDK client is, and the store keeps no other mutable state; every method may
 * be called from several threads at once. It runs no threads of its own and calls {@link
 * #forEach}'s consumer on the calling thread.
 */
public final class S3BlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
  private static final int BUFFER = 64 * 1024;

  private final S3Client s3;
  private final String bucket;
  private final String keyPrefix;
  private final Path tempDirectory;
  private final int listPageSize;

  private S3BlobStore(Builder b) {
    this.bucket = b.bucket;
    this.listPageSize = b.listPageSize;
    this.keyPrefix = b.keyPrefix;
    this.tempDirectory = b.tempDirectory;
    var clientBuilder =
        S3Client.builder()
            .region(b.region)
            .credentialsProvider(b.credentials)
            .forcePathStyle(b.pathStyleAccess)
            // The store checks SHA-256 itself; S3-compatible servers differ in which of the newer
            // trailing checksums they accept, so only what an operation requires is sent.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(b.connectTimeout)
                    .socketTimeout(b.apiCallTimeout))
            .overrideConfiguration(
                o ->
                    o.apiCallTimeout(b.apiCallTimeout)
                        .retryStrategy(r -> r.maxAttempts(b.maxAttempts)));
    if (b.endpoint != null) {
      clientBuilder.endpointOverride(b.endpoint);
    }
    this.s3 = clientBuilder.build();
  }

  /** A builder; {@link Builder#bucket} and {@link Builder#region} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket this store keeps its blobs in. */
  public String bucket() {
    return bucket;
  }

  /** What every object key of this store begins with (may be empty). */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** The object key of blob {@code id}: the key prefix and the id. */
  public String keyOf(BlobId id) {
    return keyPrefix + id.sha256();
  }

  @Override
  public BlobInfo put(InputStream content, long maxBytes) throws IOException {
    Objects.requireNonNull(content, "content");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    Path temp = Files.createTempFile(tempDirectory, "parley-blob-", ".part");
    try {
      MessageDigest sha256 = sha256();
      long size = copyBounded(content, temp, sha256, maxBytes);
      BlobId id = BlobId.ofDigest(sha256.digest());
      String key = keyOf(id);
      Optional<HeadObjectResponse> existing = head(key);
      if (existing.isPresent()) {
        return refresh(id, key, existing.get());
      }
      try {
        s3.putObject(
            r -> r.bucket(bucket).key(key).contentLength(size), RequestBody.fromFile(temp));
      } catch (SdkException e) {
        throw failure("storing " + key, e);
      }
      HeadObjectResponse stored =
          head(key).orElseThrow(() -> new IOException("object " + key + " vanished after upload"));
      return info(id, stored);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        LOG.warn("Could not delete the temporary file {}", temp, e);
      }
    }
  }

  /**
   * Gives a stored object a new {@code Last-Modified} (the contract's refreshed {@code storedAt}):
   * S3 has no "touch", so the object is copied onto itself, which S3 allows only when the copy
   * replaces the metadata; it is replaced by the same metadata. The bytes are copied inside the
   * bucket, not sent again. (A single copy is limited to 5 GiB, far above any attachment limit.)
   */
  private BlobInfo refresh(BlobId id, String key, HeadObjectResponse existing) throws IOException {
    try {
      s3.copyObject(
          r -> {
            r.sourceBucket(bucket)
                .sourceKey(key)
                .destinationBucket(bucket)
                .destinationKey(key)
                .metadataDirective(MetadataDirective.REPLACE)
                .metadata(existing.metadata());
            if (existing.contentType() != null) {
              r.contentType(existing.contentType());
            }
          });
    } catch (NoSuchKeyException e) {
      throw missing(key, e);
    } catch (SdkException e) {
      throw failure("refreshing " + key, e);
    }
    HeadObjectResponse refreshed =
        head(key).orElseThrow(() -> new IOException("object " + key + " vanished after a copy"));
    return info(id, refreshed);
  }

  @Override
  public Optional<BlobInfo> stat(BlobId id) throws IOException {
    return head(keyOf(id)).map(h -> info(id, h));
  }

  @Override
  public InputStream open(BlobId id, long offset, long length) throws IOException {
    String key = keyOf(id);
    HeadObjectResponse head =
        head(key).orElseThrow(() -> new NoSuchFileException(key, null, "no blob " + id));
    long size = head.contentLength();
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new IllegalArgumentException(
          "range "
              + offset
              + "+"
              + length
              + " is not inside blob "
              + id
              + " of "
              + size
              + " bytes");
    }
    if (length == 0) {
      return new ByteArrayInputStream(new byte[0]);
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    try {
      return s3.getObject(r -> r.bucket(bucket).key(key).range(range));
    } catch (NoSuchKeyException e) {
      throw missing(key, e);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw missing(key, e);
      }
      throw failure("reading " + key, e);
    } catch (SdkException e) {
      throw failure("reading " + key, e);
    }
  }

  @Override
  public boolean delete(BlobId id) throws IOException {
    String key = keyOf(id);
    if (head(key).isEmpty()) {
      return false;
    }
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(key));
      return true;
    } catch (SdkException e) {
      throw failure("deleting " + key, e);
    }
  }

  @Override
  public void forEach(Consumer<BlobInfo> each) throws IOException {
    Objects.requireNonNull(each, "each");
    ListObjectsV2Request request =
        ListObjectsV2Request.builder()
            .bucket(bucket)
            .prefix(keyPrefix)
            .maxKeys(listPageSize)
            .build();
    try {
      for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
        String name = object.key().substring(keyPrefix.length());
        if (!isBlobId(name)) {
          continue;
        }
        each.accept(new BlobInfo(new BlobId(name), object.size(), storedAt(object.lastModified())));
      }
    } catch (SdkException e) {
      throw failure("listing " + bucket + "/" + keyPrefix, e);
    }
  }

  /** Closes the SDK client; the objects stay in the bucket. */
  @Override
  public void close() {
    s3.close();
  }

  @Override
  public String toString() {
    return "S3BlobStore[" + bucket + "/" + keyPrefix + "]";
  }

  private Optional<HeadObjectResponse> head(String key) throws IOException {
    try {
      return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("looking up " + key, e);
    } catch (SdkException e) {
      throw failure("looking up " + key, e);
    }
  }

  private static BlobInfo info(BlobId id, HeadObjectResponse head) {
    return new BlobInfo(id, head.contentLength(), storedAt(head.lastModified()));
  }

  /**
   * A {@code HeadObject} answer carries {@code Last-Modified} in whole seconds (an HTTP date), a
   * listing in milliseconds: both are cut to whole seconds, so every method reports the same time.
   */
  private static Instant storedAt(Instant lastModified) {
    return lastModified == null ? Instant.EPOCH : lastModified.truncatedTo(ChronoUnit.SECONDS);
  }

  private IOException failure(String what, SdkException e) {
    return new IOException("S3 failed " + what + " in bucket " + bucket + ": " + e.getMessage(), e);
  }

  private static NoSuchFileException missing(String key, Exception cause) {
    NoSuchFileException e = new NoSuchFileException(key, null, "no such object");
    e.initCause(cause);
    return e;
  }

  private static long copyBounded(
      InputStream content, Path temp, MessageDigest digest, long maxBytes) throws IOException {
    long size = 0;
    byte[] buffer = new byte[BUFFER];
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
      int n;
      while ((n = content.read(buffer)) != -1) {
        size += n;
        if (size > maxBytes) {
          throw new BlobTooLargeException(maxBytes);
        }
        out.write(buffer, 0, n);
      }
    }
    return size;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static boolean isBlobId(String name) {
    if (name.length() != 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Configures an {@link S3BlobStore}. Each setter checks its value at once and names a bad one.
   *
   * <p>Not thread-safe: configure it on one thread, then call {@link #build()}.
   */
  public static final class Builder {
    private String bucket;
    private String keyPrefix = "";
    private URI endpoint;
    private Region region;
    private AwsCredentialsProvider credentials;
    private boolean pathStyleAccess;
    private Duration apiCallTimeout = Duration.ofSeconds(60);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private int listPageSize = 1000;
    private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));

    private Builder() {}

    /**
     * The bucket (required; it must exist): 3 to 63 characters of lowercase letters, digits, dots
     * and hyphens, beginning and ending with a letter or digit.
     */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw new IllegalArgumentException(
            "bucket must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a"
                + " letter or digit, not '"
                + bucket
                + "'");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * Prepended to every object key (default none), e.g. {@code "parley/blobs/"}; lets the store
     * share a bucket. It must not begin with {@code /} and has at most 900 characters.
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.startsWith("/")) {
        throw new IllegalArgumentException(
            "keyPrefix must not begin with '/', was '" + keyPrefix + "'");
      }
      if (keyPrefix.length() > 900) {
        throw new IllegalArgumentException(
            "keyPrefix has at most 900 characters, was " + keyPrefix.length());
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * The server to talk to instead of Amazon's (an S3-compatible store), as an absolute {@code
     * http} or {@code https} URI such as {@code http://127.0.0.1:9000}; default: Amazon S3 in the
     * region.
     */
    public Builder endpointOverride(URI endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      String scheme = endpoint.getScheme();
      if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          || endpoint.getHost() == null) {
        throw new IllegalArgumentException(
            "endpoint must be an http or https URI with a host, not '" + endpoint + "'");
      }
      this.endpoint = endpoint;
      return this;
    }

    /** The region the bucket is in (required; S3-compatible servers often accept any). */
    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Where the credentials come from; default the SDK's default chain (environment, profile...).
     */
    public Builder credentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentialsProvider");
      return this;
    }

    /**
     * Addresses the bucket in the path ({@code host/bucket/key}) rather than in the host name
     * ({@code bucket.host/key}); most S3-compatible servers need it. Default false.
     */
    public Builder pathStyleAccess(boolean pathStyleAccess) {
      this.pathStyleAccess = pathStyleAccess;
      return this;
    }

    /**
     * The longest one operation may take, retries included; also the longest the connection may
     * stay silent. Default 60 seconds; must be positive.
     */
    public Builder apiCallTimeout(Duration timeout) {
      this.apiCallTimeout = positive(timeout, "apiCallTimeout");
      return this;
    }

    /** The longest opening a connection may take. Default 5 seconds; must be positive. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How often the SDK tries one operation, the first try included. Default 3; 1 to 10. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 10) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 10, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * How many keys {@link S3BlobStore#forEach} asks for per {@code ListObjectsV2} page. Default
     * 1000 (S3's most); 1 to 1000.
     */
    public Builder listPageSize(int listPageSize) {
      if (listPageSize < 1 || listPageSize > 1000) {
        throw new IllegalArgumentException("listPageSize must be 1 to 1000, was " + listPageSize);
      }
      this.listPageSize = listPageSize;
      return this;
    }

    /**
     * Where {@link S3BlobStore#put} keeps content while hashing it, before the upload; default
     * {@code java.io.tmpdir}. It must be an existing directory.
     */
    public Builder tempDirectory(Path directory) {
      Objects.requireNonNull(directory, "tempDirectory");
      if (!Files.isDirectory(directory)) {
        throw new IllegalArgumentException(
            "tempDirectory must be an existing directory, not '" + directory + "'");
      }
      this.tempDirectory = directory;
      return this;
    }

    /**
     * The store, with its own SDK client (no request is sent yet).
     *
     * @throws IllegalStateException if the bucket or the region is missing
     */
    public S3BlobStore build() {
      if (bucket == null) {
        throw new IllegalStateException("bucket is required");
      }
      if (region == null) {
        throw new IllegalStateException("region is required");
      }
      if (credentials == null) {
        credentials = DefaultCredentialsProvider.builder().build();
      }
      try {
        return new S3BlobStore(this);
      } catch (SdkException e) {
        throw new IllegalStateException("cannot build the S3 client: " + e.getMessage(), e);
      } catch (UncheckedIOException e) {
        throw new IllegalStateException("cannot build the S3 client", e);
      }
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
