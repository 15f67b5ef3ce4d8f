package dev.parley.chat.client;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A room this session has joined. Thread-safe. Valid until {@link #leave()} or the session closes,
 * or the server takes the session out of the room (it closed the room, reported to {@link
 * ChatListener#onRemovedFromRoom}), or refuses to rejoin it after a reconnect (reported to {@link
 * ChatListener#onError}); {@link #isJoined()} tells which. After that its operations fail with
 * {@link dev.parley.chat.api.ChatException} ({@code NOT_A_MEMBER}), and {@link #typing} and {@link
 * #markRead} return false.
 */
public interface RoomHandle {
  /** The room's id. */
  RoomId id();

  /**
   * Whether this handle is still valid: false once the room was left, the server removed this
   * session from it, a rejoin was refused, or the session closed. A snapshot: it may change as soon
   * as it returned.
   */
  boolean isJoined();

  /**
   * Sends a text message. Completes once the server has stored it and assigned its seq. If the
   * connection drops first, the message stays in the outbox and is resent with the same client
   * message id after reconnecting, so it is stored exactly once. Fails at once with {@code
   * TOO_LARGE} or {@code LIMIT_EXCEEDED} (outbox full) without sending. A send the server refuses
   * with a retryable code ({@code UNAVAILABLE}, {@code RATE_LIMITED}, {@code INTERNAL}) goes out
   * again, with the same client message id, after a backoff delay, up to 5 times; then, or at once
   * for any other code, the future fails with the server's code. A refusal with a retry-after (the
   * server's message store is unavailable for a while: {@link
   * dev.parley.chat.api.ChatException#retryAfter()}) is resent no sooner than that and does not
   * count toward the 5: the message stays in the outbox until the store is back, or the session
   * closes.
   */
  CompletableFuture<SendReceipt> send(String text);

  /** Sends a message with text, an optional payload and an optional client message id. */
  CompletableFuture<SendReceipt> send(OutgoingMessage message);

  /**
   * Reads older messages: up to {@code limit} messages with seq at most {@code beforeSeq} ({@code
   * 0}: from the newest), in ascending seq order, with whether older ones exist and the oldest seq
   * the server still keeps. The server caps {@code limit} (200 by default). Fails with {@code
   * UNAVAILABLE} after {@link ChatClientBuilder#requestTimeout}.
   *
   * @throws IllegalArgumentException if {@code beforeSeq} is negative or {@code limit} below 1
   */
  CompletableFuture<HistoryPage> history(long beforeSeq, int limit);

  /**
   * Tells the room's other members whether this user is typing. Fire-and-forget.
   *
   * @return false if the session is not connected (nothing was sent)
   */
  boolean typing(boolean active);

  /**
   * Tells the room's other members this user has read up to {@code seq}. Fire-and-forget.
   *
   * @return false if the session is not connected (nothing was sent)
   * @throws IllegalArgumentException if {@code seq} is below 1
   */
  boolean markRead(long seq);

  /**
   * This user's role in the room as of joining ({@link RoomRole#MEMBER} in a room nobody created).
   */
  RoomRole role();

  /** The room's visibility as of joining. */
  RoomVisibility visibility();

  // --- Moderation: each completes once the server did it, or fails with its code (FORBIDDEN when
  // this user's role does not allow it or the target's role is not below it, INVALID_ARGUMENT for
  // bad input). See docs/protocol.md, "Rooms and roles". ---

  /**
   * Makes {@code user} a member with {@code role}; they are told ({@link ChatListener#onInvited}).
   */
  CompletableFuture<Void> invite(UserId user, RoomRole role);

  /**
   * Takes {@code user}'s sessions out of the room now ({@link ChatListener#onRemovedFromRoom} with
   * the reason); in a private room they stop being a member.
   */
  CompletableFuture<Void> kick(UserId user, String reason);

  /**
   * Bans {@code user} for {@code duration}: removed now, and kept out until it ends.
   *
   * @throws IllegalArgumentException if {@code duration} is not positive
   */
  CompletableFuture<Void> ban(UserId user, Duration duration, String reason);

  /** Lifts a ban. */
  CompletableFuture<Void> unban(UserId user);

  /**
   * Mutes {@code user} for {@code duration}: they read but may not send or type.
   *
   * @throws IllegalArgumentException if {@code duration} is not positive
   */
  CompletableFuture<Void> mute(UserId user, Duration duration);

  /** Lifts a mute. */
  CompletableFuture<Void> unmute(UserId user);

  /** Gives {@code user} a role in the room (owners only; a room keeps at least one owner). */
  CompletableFuture<Void> setRole(UserId user, RoomRole role);

  /** Makes the room public or private (owners only). */
  CompletableFuture<Void> setVisibility(RoomVisibility visibility);

  /** Users currently online in the room, as last reported by the server. */
  Set<UserId> onlineMembers();

  /** The highest seq delivered to the listener for this room (0 before any). */
  long lastSeq();

  /**
   * Leaves the room; no further events for it. Completes once the server confirmed (also when the
   * server answers that the room was not joined); the handle is then stale.
   */
  CompletableFuture<Void> leave();
}
