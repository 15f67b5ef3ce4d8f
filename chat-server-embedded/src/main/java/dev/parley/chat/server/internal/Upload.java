package dev.parley.chat.server.internal;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.UserId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tus upload on this node: its owner, declared length and metadata, where its bytes are staged,
 * how many have arrived, and once complete, the attachment and token it produced. Thread-safe: the
 * offset and state are read by any request; bytes are written and the upload completed only under
 * {@link #tryLock}.
 */
final class Upload {
  private final String id;
  private final UserId owner;
  private final long length;
  private final String name;
  private final String declaredType;
  private final Path staged;
  private final ReentrantLock writing = new ReentrantLock();
  private volatile long offset;
  private volatile Instant expiresAt;
  private volatile Attachment attachment; // set once complete
  private volatile String token;

  Upload(
      String id,
      UserId owner,
      long length,
      String name,
      String declaredType,
      Path staged,
      Instant expiresAt) {
    this.id = id;
    this.owner = owner;
    this.length = length;
    this.name = name;
    this.declaredType = declaredType;
    this.staged = staged;
    this.expiresAt = expiresAt;
  }

  String id() {
    return id;
  }

  UserId owner() {
    return owner;
  }

  long length() {
    return length;
  }

  /** The cleaned file name. */
  String name() {
    return name;
  }

  /** The type the client declared, or {@code null}. */
  String declaredType() {
    return declaredType;
  }

  Path staged() {
    return staged;
  }

  long offset() {
    return offset;
  }

  void offset(long offset) {
    this.offset = offset;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  void expiresAt(Instant at) {
    this.expiresAt = at;
  }

  /** Whether the upload completed: checked, stored, and its token issued. */
  boolean complete() {
    return token != null;
  }

  Attachment attachment() {
    return attachment;
  }

  String token() {
    return token;
  }

  void completed(Attachment attachment, String token) {
    this.attachment = attachment;
    this.token = token;
  }

  /** Takes the right to write, waiting a little for a request that is finishing. */
  boolean tryLock(long millis) throws InterruptedException {
    return writing.tryLock(millis, TimeUnit.MILLISECONDS);
  }

  void unlock() {
    writing.unlock();
  }
}
