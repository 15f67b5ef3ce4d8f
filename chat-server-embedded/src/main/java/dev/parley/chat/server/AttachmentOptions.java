package dev.parley.chat.server;

import dev.parley.chat.server.internal.AttachmentSettings;
import dev.parley.chat.spi.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a server takes, hands out and keeps attachments: given to {@link
 * ChatServerBuilder#attachments(AttachmentOptions)}, which turns attachments on. Made with {@link
 * #builder(BlobStore)}; every limit has a documented default. Immutable and thread-safe (the
 * signing key is copied in and never handed out).
 *
 * <pre>{@code
 * ChatServer server =
 *     ChatServer.builder()
 *         .authenticator(authenticator)
 *         .attachments(
 *             AttachmentOptions.builder(FileSystemBlobStore.open(Path.of("/var/lib/parley/blobs")))
 *                 .signingKey(sharedSecret) // the same 32+ bytes on every node
 *                 .maxFileBytes(25L * 1024 * 1024)
 *                 .build())
 *         .build();
 * }</pre>
 *
 * <p>The blob store stays the application's: the server never closes it.
 */
public final class AttachmentOptions {
  private static final Logger log = LoggerFactory.getLogger(AttachmentOptions.class);

  /** Default of {@link Builder#maxFileBytes}: 100 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 100L * 1024 * 1024;

  /** Default bytes of {@link Builder#userQuota}: 1 GiB per window. */
  public static final long DEFAULT_USER_QUOTA_BYTES = 1024L * 1024 * 1024;

  /** Default upload count of {@link Builder#userQuota}: 500 per window. */
  public static final int DEFAULT_USER_QUOTA_COUNT = 500;

  /** Default window of {@link Builder#userQuota}: 24 hours. */
  public static final Duration DEFAULT_QUOTA_WINDOW = Duration.ofHours(24);

  /** Default of {@link Builder#maxOpenUploads}: 8 unfinished uploads per user. */
  public static final int DEFAULT_MAX_OPEN_UPLOADS = 8;

  /** Default of {@link Builder#maxImagePixels}: 50,000,000 pixels. */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 50_000_000L;

  /** Default of {@link Builder#uploadExpiry}: 24 hours. */
  public static final Duration DEFAULT_UPLOAD_EXPIRY = Duration.ofHours(24);

  /** Default of {@link Builder#tokenValidity}: 1 hour. */
  public static final Duration DEFAULT_TOKEN_VALIDITY = Duration.ofHours(1);

  /** Default private-room validity of {@link Builder#linkValidity}: 1 hour. */
  public static final Duration DEFAULT_PRIVATE_LINK_VALIDITY = Duration.ofHours(1);

  /** Default public-room validity of {@link Builder#linkValidity}: 30 days. */
  public static final Duration DEFAULT_PUBLIC_LINK_VALIDITY = Duration.ofDays(30);

  /** Default grace of {@link Builder#retention}: 24 hours. */
  public static final Duration DEFAULT_RETENTION_GRACE = Duration.ofHours(24);

  /** Default interval of {@link Builder#retention}: 1 hour. */
  public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofHours(1);

  /** Default of {@link Builder#blobThreads}: 4. */
  public static final int DEFAULT_BLOB_THREADS = 4;

  private final BlobStore blobStore;
  private final byte[] signingKey; // null: a random one per server
  private final Path stagingDirectory; // null: a new temporary directory per server
  private final long maxFileBytes;
  private final long userQuotaBytes;
  private final int userQuotaCount;
  private final Duration quotaWindow;
  private final int maxOpenUploads;
  private final long maxImagePixels;
  private final Duration uploadExpiry;
  private final Duration tokenValidity;
  private final Duration privateLinkValidity;
  private final Duration publicLinkValidity;
  private final URI publicBaseUrl;
  private final Duration retentionGrace;
  private final Duration retentionInterval;
  private final int blobThreads;

  private AttachmentOptions(Builder b) {
    this.blobStore = b.blobStore;
    this.signingKey = b.signingKey == null ? null : b.signingKey.clone();
    this.stagingDirectory = b.stagingDirectory;
    this.maxFileBytes = b.maxFileBytes;
    this.userQuotaBytes = b.userQuotaBytes;
    this.userQuotaCount = b.userQuotaCount;
    this.quotaWindow = b.quotaWindow;
    this.maxOpenUploads = b.maxOpenUploads;
    this.maxImagePixels = b.maxImagePixels;
    this.uploadExpiry = b.uploadExpiry;
    this.tokenValidity = b.tokenValidity;
    this.privateLinkValidity = b.privateLinkValidity;
    this.publicLinkValidity = b.publicLinkValidity;
    this.publicBaseUrl = b.publicBaseUrl;
    this.retentionGrace = b.retentionGrace;
    this.retentionInterval = b.retentionInterval;
    this.blobThreads = b.blobThreads;
  }

  /**
   * A builder for options that store files in {@code blobStore} (for example {@link
   * FileSystemBlobStore#open(Path)}, or an {@code S3BlobStore}).
   */
  public static Builder builder(BlobStore blobStore) {
    return new Builder(Objects.requireNonNull(blobStore, "blobStore"));
  }

  /** The store complete files go to. */
  public BlobStore blobStore() {
    return blobStore;
  }

  /** The largest file one upload may declare, in bytes. */
  public long maxFileBytes() {
    return maxFileBytes;
  }

  /**
   * The settings a server is built with: resolves the defaults that are made per server (a random
   * signing key, a temporary staging directory).
   */
  AttachmentSettings settings() {
    byte[] key = signingKey;
    if (key == null) {
      key = new byte[AttachmentSettings.MIN_KEY_BYTES];
      new SecureRandom().nextBytes(key);
      log.info(
          "Parley attachments use a random signing key made for this server: upload tokens and"
              + " download links do not survive a restart, and a cluster must set one shared key"
              + " with AttachmentOptions.Builder.signingKey(...)");
    }
    Path staging = stagingDirectory;
    if (staging == null) {
      try {
        staging = Files.createTempDirectory("parley-uploads-");
        staging.toFile().deleteOnExit(); // empty once the server has closed
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make a staging directory for uploads", e);
      }
    }
    return new AttachmentSettings(
        blobStore,
        key,
        staging,
        maxFileBytes,
        quotaWindow,
        userQuotaBytes,
        userQuotaCount,
        maxOpenUploads,
        maxImagePixels,
        uploadExpiry,
        tokenValidity,
        privateLinkValidity,
        publicLinkValidity,
        publicBaseUrl,
        retentionGrace,
        retentionInterval,
        blobThreads);
  }

  @Override
  public String toString() {
    return "AttachmentOptions[blobStore="
        + blobStore
        + ", maxFileBytes="
        + maxFileBytes
        + ", publicBaseUrl="
        + publicBaseUrl
        + "]"; // never the key
  }

  /**
   * Collects attachment options; {@link #build()} checks them together. Not thread-safe; each
   * setter validates its argument at once and names the bad value.
   */
  public static final class Builder {
    private final BlobStore blobStore;
    private byte[] signingKey;
    private Path stagingDirectory;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private long userQuotaBytes = DEFAULT_USER_QUOTA_BYTES;
    private int userQuotaCount = DEFAULT_USER_QUOTA_COUNT;
    private Duration quotaWindow = DEFAULT_QUOTA_WINDOW;
    private int maxOpenUploads = DEFAULT_MAX_OPEN_UPLOADS;
    private long maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS;
    private Duration uploadExpiry = DEFAULT_UPLOAD_EXPIRY;
    private Duration tokenValidity = DEFAULT_TOKEN_VALIDITY;
    private Duration privateLinkValidity = DEFAULT_PRIVATE_LINK_VALIDITY;
    private Duration publicLinkValidity = DEFAULT_PUBLIC_LINK_VALIDITY;
    private URI publicBaseUrl;
    private Duration retentionGrace = DEFAULT_RETENTION_GRACE;
    private Duration retentionInterval = DEFAULT_RETENTION_INTERVAL;
    private int blobThreads = DEFAULT_BLOB_THREADS;

    private Builder(BlobStore blobStore) {
      this.blobStore = blobStore;
    }

    /**
     * The secret (at least 32 bytes) that signs upload tokens and download links. Every node of a
     * cluster must have the same one. Default: 32 random bytes made when the server is built, so
     * tokens and links do not survive a restart (logged at INFO).
     */
    public Builder signingKey(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length < AttachmentSettings.MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "signingKey needs "
                + AttachmentSettings.MIN_KEY_BYTES
                + " bytes or more, not "
                + key.length
                + "; generate it with a SecureRandom and keep it secret");
      }
      this.signingKey = key.clone();
      return this;
    }

    /**
     * Where unfinished uploads are kept (created if missing). Default: a new temporary directory
     * per server. Staged files are deleted when an upload completes, fails, expires or is
     * cancelled, and when the server closes.
     */
    public Builder stagingDirectory(Path directory) {
      this.stagingDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The largest file one upload may declare. Default {@value #DEFAULT_MAX_FILE_BYTES} bytes. */
    public Builder maxFileBytes(long bytes) {
      this.maxFileBytes = requirePositive("maxFileBytes", bytes);
      return this;
    }

    /**
     * How much one user may upload per {@code window}: {@code bytes} in all and {@code count}
     * uploads created. Default {@value #DEFAULT_USER_QUOTA_BYTES} bytes, {@value
     * #DEFAULT_USER_QUOTA_COUNT} uploads, 24 hours. Over it, uploads answer 429 {@code
     * QUOTA_EXCEEDED} with a {@code Retry-After}.
     */
    public Builder userQuota(long bytes, int count, Duration window) {
      this.userQuotaBytes = requirePositive("userQuota bytes", bytes);
      this.userQuotaCount = (int) requirePositive("userQuota count", count);
      this.quotaWindow = requirePositive("userQuota window", window);
      return this;
    }

    /**
     * The most unfinished uploads one user may have at once. Default {@value
     * #DEFAULT_MAX_OPEN_UPLOADS}.
     */
    public Builder maxOpenUploads(int uploads) {
      this.maxOpenUploads = (int) requirePositive("maxOpenUploads", uploads);
      return this;
    }

    /**
     * The largest image (width × height, read from its header before decoding) Parley decodes to
     * measure and make a thumbnail; a larger one is refused. Default {@value
     * #DEFAULT_MAX_IMAGE_PIXELS}.
     */
    public Builder maxImagePixels(long pixels) {
      this.maxImagePixels = requirePositive("maxImagePixels", pixels);
      return this;
    }

    /** How long an unfinished upload is kept after its last byte arrived. Default 24 hours. */
    public Builder uploadExpiry(Duration expiry) {
      this.uploadExpiry = requirePositive("uploadExpiry", expiry);
      return this;
    }

    /**
     * How long a completed upload's token may be used in a Send. Default 1 hour; must be shorter
     * than the retention grace.
     */
    public Builder tokenValidity(Duration validity) {
      this.tokenValidity = requirePositive("tokenValidity", validity);
      return this;
    }

    /**
     * How long download links work: in private rooms and in public ones. Default 1 hour and 30
     * days.
     */
    public Builder linkValidity(Duration privateRooms, Duration publicRooms) {
      this.privateLinkValidity = requirePositive("linkValidity privateRooms", privateRooms);
      this.publicLinkValidity = requirePositive("linkValidity publicRooms", publicRooms);
      return this;
    }

    /**
     * The base of the download links handed out, for a CDN in front of the server (for example
     * {@code https://cdn.example.com}). Default: none, links are paths on the server's HTTP side.
     */
    public Builder publicBaseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!baseUrl.isAbsolute()
          || !("https".equals(baseUrl.getScheme()) || "http".equals(baseUrl.getScheme()))) {
        throw new IllegalArgumentException(
            "publicBaseUrl must be an absolute http or https URI, not " + baseUrl);
      }
      if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "publicBaseUrl must have no query or fragment, not " + baseUrl);
      }
      this.publicBaseUrl = baseUrl;
      return this;
    }

    /**
     * How long a blob no message references is kept ({@code grace}) and how often retention looks
     * for such blobs ({@code interval}). Default 24 hours and 1 hour.
     */
    public Builder retention(Duration grace, Duration interval) {
      this.retentionGrace = requirePositive("retention grace", grace);
      this.retentionInterval = requirePositive("retention interval", interval);
      return this;
    }

    /** How many threads call the blob store. Default {@value #DEFAULT_BLOB_THREADS}. */
    public Builder blobThreads(int threads) {
      this.blobThreads = (int) requirePositive("blobThreads", threads);
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException if the token validity is not shorter than the retention grace
     *     (a token could then point at a removed blob)
     */
    public AttachmentOptions build() {
      if (tokenValidity.compareTo(retentionGrace) >= 0) {
        throw new IllegalStateException(
            "tokenValidity ("
                + tokenValidity
                + ") must be shorter than the retention grace ("
                + retentionGrace
                + "): a token must expire before retention may remove an unreferenced blob");
      }
      return new AttachmentOptions(this);
    }

    private static long requirePositive(String what, long value) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }

    private static Duration requirePositive(String what, Duration value) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + value);
      }
      return value;
    }
  }
}
