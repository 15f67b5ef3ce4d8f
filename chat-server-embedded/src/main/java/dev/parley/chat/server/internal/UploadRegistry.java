package dev.parley.chat.server.internal;

import dev.parley.chat.api.UserId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploads of this node, their staged files, and each user's quota: how many bytes and uploads
 * per window, and how many unfinished at once. Unfinished uploads expire {@code uploadExpiry} after
 * their last byte; completed ones are kept as long for {@code GET}, without their staged file.
 * Thread-safe.
 */
final class UploadRegistry {
  private static final Logger log = LoggerFactory.getLogger(UploadRegistry.class);
  private static final Base64.Encoder IDS = Base64.getUrlEncoder().withoutPadding();

  /** An upload id: 128 random bits in base64url, 22 characters. */
  static final String ID_PATTERN = "[A-Za-z0-9_-]{22}";

  /** The name staged files end with. */
  static final String STAGED_SUFFIX = ".part";

  private final AttachmentSettings settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Upload> uploads = new ConcurrentHashMap<>();
  private final Map<UserId, Usage> usage = new HashMap<>(); // guarded by this

  UploadRegistry(AttachmentSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Removes what a previous run left in the staging directory (upload state lives in memory, so
   * those files can never be completed), creating the directory if missing.
   */
  void cleanStaging() throws IOException {
    Files.createDirectories(settings.stagingDirectory());
    try (DirectoryStream<Path> left =
        Files.newDirectoryStream(settings.stagingDirectory(), "*" + STAGED_SUFFIX)) {
      for (Path file : left) {
        Files.deleteIfExists(file);
        log.info("removed the unfinished upload {} left by an earlier run", file.getFileName());
      }
    }
  }

  /**
   * A new upload of {@code length} bytes by {@code owner}, with an empty staged file.
   *
   * @throws QuotaExceeded if the owner has used its quota or has too many unfinished uploads
   */
  Upload create(UserId owner, long length, String name, String declaredType) throws IOException {
    Instant now = clock.instant();
    synchronized (this) {
      Usage used = usage.computeIfAbsent(owner, u -> new Usage(now));
      if (!now.isBefore(used.windowStart.plus(settings.quotaWindow()))) {
        used.windowStart = now;
        used.bytes = 0;
        used.count = 0;
      }
      Duration untilNextWindow =
          Duration.between(now, used.windowStart.plus(settings.quotaWindow()));
      if (used.open >= settings.maxOpenUploads()) {
        throw new QuotaExceeded(
            "you have "
                + used.open
                + " unfinished uploads, as many as one may have; finish or delete one",
            Duration.ofMinutes(1));
      }
      if (used.count >= settings.userQuotaCount()) {
        throw new QuotaExceeded(
            "you have made " + used.count + " uploads in this window, as many as one may make",
            untilNextWindow);
      }
      if (used.bytes + length > settings.userQuotaBytes()) {
        throw new QuotaExceeded(
            "this upload of "
                + length
                + " bytes would take you over your quota of "
                + settings.userQuotaBytes()
                + " bytes per "
                + settings.quotaWindow()
                + " ("
                + used.bytes
                + " used)",
            untilNextWindow);
      }
      used.count++;
      used.bytes += length;
      used.open++;
    }
    String id = newId();
    Path staged = settings.stagingDirectory().resolve(id + STAGED_SUFFIX);
    try {
      Files.createFile(staged);
    } catch (IOException e) {
      release(owner);
      throw e;
    }
    Upload upload =
        new Upload(
            id, owner, length, name, declaredType, staged, now.plus(settings.uploadExpiry()));
    uploads.put(id, upload);
    return upload;
  }

  /** The upload with {@code id}, unless unknown or expired (an expired one is removed now). */
  Upload get(String id) {
    Upload upload = uploads.get(id);
    if (upload != null && !clock.instant().isBefore(upload.expiresAt())) {
      remove(upload);
      return null;
    }
    return upload;
  }

  /** The upload has completed: no longer counted as unfinished; its staged file is deleted. */
  void completed(Upload upload) {
    release(upload.owner());
    deleteStaged(upload);
    upload.expiresAt(clock.instant().plus(settings.uploadExpiry()));
  }

  /** Forgets an upload (cancelled, refused or expired) and deletes its staged file. */
  void remove(Upload upload) {
    if (uploads.remove(upload.id(), upload)) {
      if (!upload.complete()) {
        release(upload.owner());
      }
      deleteStaged(upload);
    }
  }

  /** Removes every expired upload; returns how many. */
  int sweep() {
    Instant now = clock.instant();
    int removed = 0;
    for (Iterator<Upload> it = uploads.values().iterator(); it.hasNext(); ) {
      Upload upload = it.next();
      if (!now.isBefore(upload.expiresAt())) {
        remove(upload);
        removed++;
      }
    }
    synchronized (this) {
      usage
          .entrySet()
          .removeIf(
              e ->
                  e.getValue().open == 0
                      && !now.isBefore(e.getValue().windowStart.plus(settings.quotaWindow())));
    }
    return removed;
  }

  /** Forgets every upload and deletes the staged files (the server is closing). */
  void clear() {
    for (Upload upload : uploads.values()) {
      remove(upload);
    }
  }

  /** How many uploads are held (unfinished and completed). */
  int size() {
    return uploads.size();
  }

  private synchronized void release(UserId owner) {
    Usage used = usage.get(owner);
    if (used != null && used.open > 0) {
      used.open--;
    }
  }

  private static void deleteStaged(Upload upload) {
    try {
      Files.deleteIfExists(upload.staged());
    } catch (IOException e) {
      log.warn("cannot delete the staged upload {}: {}", upload.staged(), e.toString());
    }
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return IDS.encodeToString(bytes);
  }

  private static final class Usage {
    Instant windowStart;
    long bytes;
    int count;
    int open;

    Usage(Instant windowStart) {
      this.windowStart = windowStart;
    }
  }

  /** A user's quota is used up; with how long until it is not. */
  static final class QuotaExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    QuotaExceeded(String message, Duration retryAfter) {
      super(message, null, false, false);
      this.retryAfter = retryAfter;
    }

    Duration retryAfter() {
      return retryAfter;
    }
  }
}
