package dev.parley.chat.protocol.internal;

import com.google.protobuf.ByteString;
import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.Protocol;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping between Parley's value types and the Protobuf {@link Envelope}, used by the
 * server, the client and the benchmarks. Every frame of {@code parley.v1} has a builder here, named
 * after its body; frames a server pushes unrequested with a body that also answers or makes a
 * request ({@link #typingNotice}, {@link #readReceiptNotice}, {@link #leftNotice}) are named apart.
 * The reverse direction turns what arrives into value types: {@link #chatMessage}, {@link
 * #exception}, {@link #position} and {@link #roomOrNull}. Bytes are the business of {@link
 * BinaryFrames} and {@link JsonFrameCodec}.
 *
 * <p>Stateless and thread-safe. Not API: generated types appear in these signatures, which is why
 * the class lives in an internal package.
 */
public final class EnvelopeCodec {
  private static final Logger log = LoggerFactory.getLogger(EnvelopeCodec.class);

  private EnvelopeCodec() {}

  // --- Client to server ---

  /** The first frame on a connection; {@code resume} lists the rooms to rejoin. */
  public static Envelope connect(
      long requestId,
      String token,
      String clientName,
      String clientVersion,
      List<RoomPosition> resume) {
    return connect(requestId, token, clientName, clientVersion, resume, List.of());
  }

  /** A Connect asking for optional behaviours, such as {@link Protocol#FEATURE_PRESENCE_BATCH}. */
  public static Envelope connect(
      long requestId,
      String token,
      String clientName,
      String clientVersion,
      List<RoomPosition> resume,
      List<String> features) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setConnect(
            Connect.newBuilder()
                .setProtocolVersion(Protocol.VERSION)
                .setToken(token)
                .setClientName(clientName)
                .setClientVersion(clientVersion)
                .addAllResume(resume)
                .addAllFeatures(features))
        .build();
  }

  /** One entry of {@link #connect}'s resume list. */
  public static RoomPosition position(RoomId room, long lastSeq) {
    return RoomPosition.newBuilder().setRoom(room.value()).setLastSeq(lastSeq).build();
  }

  public static Envelope join(long requestId, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setJoin(Join.newBuilder().setRoom(room.value()))
        .build();
  }

  public static Envelope leave(long requestId, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setLeave(Leave.newBuilder().setRoom(room.value()))
        .build();
  }

  /** A Send; an empty payload is left out of the frame. */
  public static Envelope send(
      long requestId, RoomId room, ClientMessageId id, String text, byte[] payload) {
    return send(requestId, room, id, text, payload, List.of());
  }

  /** A Send that attaches the files of completed uploads, by their tokens. */
  public static Envelope send(
      long requestId,
      RoomId room,
      ClientMessageId id,
      String text,
      byte[] payload,
      List<String> attachmentTokens) {
    Send.Builder send =
        Send.newBuilder()
            .setRoom(room.value())
            .setClientMessageId(id.value())
            .setText(text)
            .addAllAttachments(attachmentTokens);
    if (payload.length > 0) {
      send.setPayload(ByteString.copyFrom(payload));
    }
    return Envelope.newBuilder().setRequestId(requestId).setSend(send).build();
  }

  public static Envelope history(
      long requestId, RoomId room, long fromSeq, Direction direction, int limit) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setHistoryRequest(
            HistoryRequest.newBuilder()
                .setRoom(room.value())
                .setFromSeq(fromSeq)
                .setDirection(direction)
                .setLimit(limit))
        .build();
  }

  /** The sender's own typing state. */
  public static Envelope typing(long requestId, RoomId room, boolean active) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setTyping(Typing.newBuilder().setRoom(room.value()).setActive(active))
        .build();
  }

  /** "I have read up to {@code seq}". */
  public static Envelope readReceipt(long requestId, RoomId room, long seq) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setReadReceipt(ReadReceipt.newBuilder().setRoom(room.value()).setSeq(seq))
        .build();
  }

  /** Creates a room with the sender as its owner. */
  public static Envelope createRoom(
      long requestId, RoomId room, dev.parley.chat.api.RoomVisibility visibility) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setCreateRoom(
            CreateRoom.newBuilder().setRoom(room.value()).setVisibility(visibility(visibility)))
        .build();
  }

  /**
   * One moderation action on {@code user}; {@code duration} for BAN and MUTE, {@code role} for
   * SET_ROLE and INVITE, each null when not used.
   */
  public static Envelope moderate(
      long requestId,
      RoomId room,
      UserId user,
      ModerationAction action,
      Duration duration,
      String reason,
      dev.parley.chat.api.RoomRole role) {
    Moderate.Builder b =
        Moderate.newBuilder().setRoom(room.value()).setUser(user.value()).setAction(action);
    if (duration != null) {
      b.setDurationMs(duration.toMillis());
    }
    if (reason != null) {
      b.setReason(reason);
    }
    if (role != null) {
      b.setRole(role(role));
    }
    return Envelope.newBuilder().setRequestId(requestId).setModerate(b).build();
  }

  /** Makes a room public or private. */
  public static Envelope setRoomVisibility(
      long requestId, RoomId room, dev.parley.chat.api.RoomVisibility visibility) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setSetRoomVisibility(
            SetRoomVisibility.newBuilder()
                .setRoom(room.value())
                .setVisibility(visibility(visibility)))
        .build();
  }

  public static Envelope ping(long requestId, long nonce) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setPing(Ping.newBuilder().setNonce(nonce))
        .build();
  }

  /** Fresh credentials for the session's user, before the old ones expire. */
  public static Envelope reauthenticate(long requestId, String token) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setReauthenticate(Reauthenticate.newBuilder().setToken(token))
        .build();
  }

  // --- Server to client ---

  /**
   * The Welcome that answers Connect.
   *
   * @param rejoined one entry per resumed room that was rejoined
   * @param rejected one entry per resumed room that was not, naming the room
   */
  public static Envelope welcome(
      long requestId,
      UserId user,
      String sessionId,
      String serverId,
      ServerLimits limits,
      int heartbeatIntervalMillis,
      List<Joined> rejoined,
      List<Error> rejected) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setWelcome(
            Welcome.newBuilder()
                .setUser(user.value())
                .setSessionId(sessionId)
                .setServerId(serverId)
                .setProtocolVersion(Protocol.VERSION)
                .setLimits(limits)
                .setHeartbeatIntervalMs(heartbeatIntervalMillis)
                .addAllRejoined(rejoined)
                .addAllRejected(rejected))
        .build();
  }

  /**
   * The Welcome with the session's credential expiry set ({@code null}: they do not expire, and the
   * field stays 0).
   */
  public static Envelope withTokenExpiry(Envelope welcome, Instant expiresAt) {
    if (expiresAt == null) {
      return welcome;
    }
    return welcome.toBuilder()
        .setWelcome(welcome.getWelcome().toBuilder().setTokenExpiresAtMs(expiryMillis(expiresAt)))
        .build();
  }

  /** The Welcome with the Connect features the server granted; unchanged if there are none. */
  public static Envelope withFeatures(Envelope welcome, List<String> features) {
    if (features.isEmpty()) {
      return welcome;
    }
    return welcome.toBuilder()
        .setWelcome(welcome.getWelcome().toBuilder().addAllFeatures(features))
        .build();
  }

  /** Answers Reauthenticate: the session runs on the new credentials, expiring then (or never). */
  public static Envelope reauthenticated(long requestId, Instant expiresAt) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setReauthenticated(Reauthenticated.newBuilder().setExpiresAtMs(expiryMillis(expiresAt)))
        .build();
  }

  /** Pushed (request id 0) ahead of the session's credential expiry. */
  public static Envelope tokenExpiring(Instant expiresAt) {
    return Envelope.newBuilder()
        .setTokenExpiring(TokenExpiring.newBuilder().setExpiresAtMs(expiryMillis(expiresAt)))
        .build();
  }

  /**
   * An expiry as the wire carries it: Unix milliseconds, at least 1 (0 means none); {@code null} is
   * 0.
   */
  public static long expiryMillis(Instant expiresAt) {
    if (expiresAt == null) {
      return 0;
    }
    try {
      return Math.max(1, expiresAt.toEpochMilli());
    } catch (ArithmeticException farFuture) {
      return Long.MAX_VALUE;
    }
  }

  /** An expiry from the wire: {@code null} for 0 (none), else the instant. */
  public static Instant expiryOrNull(long expiresAtMillis) {
    return expiresAtMillis == 0 ? null : Instant.ofEpochMilli(expiresAtMillis);
  }

  /** The limits a Welcome announces. */
  public static ServerLimits limits(
      int maxFrameBytes,
      int maxTextBytes,
      int maxPayloadBytes,
      int maxRoomsPerSession,
      int maxHistoryPage) {
    return ServerLimits.newBuilder()
        .setMaxFrameBytes(maxFrameBytes)
        .setMaxTextBytes(maxTextBytes)
        .setMaxPayloadBytes(maxPayloadBytes)
        .setMaxRoomsPerSession(maxRoomsPerSession)
        .setMaxHistoryPage(maxHistoryPage)
        .build();
  }

  /** A room's state at the moment of joining, as Joined and Welcome's rejoined entries carry it. */
  public static Joined joined(
      RoomId room, dev.parley.chat.spi.RoomPosition position, Iterable<String> online) {
    return Joined.newBuilder()
        .setRoom(room.value())
        .setHeadSeq(position.headSeq())
        .setFirstSeq(position.firstSeq())
        .setEpoch(position.epoch())
        .addAllOnline(online)
        .build();
  }

  /** A Joined with the online count set, and the names only if {@code online} is not null. */
  public static Joined joined(
      RoomId room, dev.parley.chat.spi.RoomPosition position, List<String> online, int count) {
    Joined.Builder joined =
        Joined.newBuilder()
            .setRoom(room.value())
            .setHeadSeq(position.headSeq())
            .setFirstSeq(position.firstSeq())
            .setEpoch(position.epoch())
            .setOnlineTotal(count);
    if (online != null) {
      joined.addAllOnline(online);
    }
    return joined.build();
  }

  public static Envelope joinedReply(long requestId, Joined joined) {
    return Envelope.newBuilder().setRequestId(requestId).setJoined(joined).build();
  }

  public static Envelope left(long requestId, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setLeft(Left.newBuilder().setRoom(room.value()))
        .build();
  }

  /** The acknowledgement of a stored send; {@code duplicate} when it was stored before. */
  public static Envelope sendAck(long requestId, ChatMessage stored, boolean duplicate) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setSendAck(
            SendAck.newBuilder()
                .setRoom(stored.room().value())
                .setClientMessageId(stored.clientMessageId().value())
                .setSeq(stored.seq())
                .setMessageId(stored.id().value())
                .setTimestampMs(stored.timestamp().toEpochMilli())
                .setDuplicate(duplicate))
        .build();
  }

  /**
   * An unrequested Left (request id 0): the server application took this connection out of the
   * room, for example because it closed the room, and {@code reason} says why.
   */
  public static Envelope leftNotice(RoomId room, String reason) {
    return Envelope.newBuilder()
        .setLeft(Left.newBuilder().setRoom(room.value()).setReason(reason))
        .build();
  }

  /** A stored message as the wire carries it; an empty payload is left out. */
  public static Message message(ChatMessage m) {
    Message.Builder b =
        Message.newBuilder()
            .setRoom(m.room().value())
            .setSeq(m.seq())
            .setMessageId(m.id().value())
            .setSender(m.sender().value())
            .setTimestampMs(m.timestamp().toEpochMilli())
            .setText(m.text())
            .setClientMessageId(m.clientMessageId().value());
    if (m.payloadSize() > 0) {
      b.setPayload(ByteString.copyFrom(m.payload()));
    }
    for (dev.parley.chat.api.Attachment a : m.attachments()) {
      b.addAttachments(attachment(a));
    }
    return b.build();
  }

  /** An attachment as the wire carries it. */
  public static Attachment attachment(dev.parley.chat.api.Attachment a) {
    return Attachment.newBuilder()
        .setId(a.id())
        .setName(a.name())
        .setContentType(a.contentType())
        .setSize(a.size())
        .setWidth(a.width())
        .setHeight(a.height())
        .setThumbnailId(a.thumbnailId())
        .setUrl(a.url())
        .setThumbnailUrl(a.thumbnailUrl())
        .build();
  }

  /**
   * The attachment a wire attachment describes.
   *
   * @throws IllegalArgumentException if a field is invalid (see {@link
   *     dev.parley.chat.api.Attachment})
   */
  public static dev.parley.chat.api.Attachment attachment(Attachment a) {
    if (a.getSize() < 0 || a.getWidth() < 0 || a.getHeight() < 0) {
      throw new IllegalArgumentException("an attachment's size or dimensions overflow");
    }
    return new dev.parley.chat.api.Attachment(
        a.getId(),
        a.getName(),
        a.getContentType(),
        a.getSize(),
        a.getWidth(),
        a.getHeight(),
        a.getThumbnailId(),
        a.getUrl(),
        a.getThumbnailUrl());
  }

  /** A live delivery of a stored message. */
  public static Envelope delivery(ChatMessage m) {
    return Envelope.newBuilder().setMessage(message(m)).build();
  }

  /**
   * A page of history; {@code messages} are encoded with {@link #message} and must be in ascending
   * seq order.
   */
  public static Envelope historyPage(
      long requestId,
      RoomId room,
      List<Message> messages,
      boolean hasMore,
      dev.parley.chat.spi.RoomPosition position) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setHistoryPage(
            HistoryPage.newBuilder()
                .setRoom(room.value())
                .addAllMessages(messages)
                .setHasMore(hasMore)
                .setFirstSeq(position.firstSeq())
                .setHeadSeq(position.headSeq()))
        .build();
  }

  /** A member came online in a room, or went offline. */
  public static Envelope presence(RoomId room, UserId user, boolean online) {
    return Envelope.newBuilder()
        .setPresence(
            Presence.newBuilder().setRoom(room.value()).setUser(user.value()).setOnline(online))
        .build();
  }

  /**
   * A room's presence changes over one window: each listed user's state at its end, and how many
   * are online. In a large room both lists are empty.
   */
  public static Envelope presenceBatch(
      RoomId room, Iterable<String> online, Iterable<String> offline, int onlineCount) {
    return Envelope.newBuilder()
        .setPresenceBatch(
            PresenceBatch.newBuilder()
                .setRoom(room.value())
                .addAllOnline(online)
                .addAllOffline(offline)
                .setOnlineTotal(onlineCount))
        .build();
  }

  /** Another member's typing state. */
  public static Envelope typingNotice(RoomId room, UserId user, boolean active) {
    return Envelope.newBuilder()
        .setTyping(
            Typing.newBuilder().setRoom(room.value()).setUser(user.value()).setActive(active))
        .build();
  }

  /** Another member's read receipt. */
  public static Envelope readReceiptNotice(RoomId room, UserId user, long seq) {
    return Envelope.newBuilder()
        .setReadReceipt(
            ReadReceipt.newBuilder().setRoom(room.value()).setUser(user.value()).setSeq(seq))
        .build();
  }

  /** Answers CreateRoom, Moderate or SetRoomVisibility: done. */
  public static Envelope roomActionDone(long requestId, RoomId room) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setRoomActionDone(RoomActionDone.newBuilder().setRoom(room.value()))
        .build();
  }

  /**
   * Tells a user they were invited into a room; {@code by} is null when the server application
   * invited them.
   */
  public static Envelope invited(RoomId room, UserId by, dev.parley.chat.api.RoomRole role) {
    Invited.Builder b = Invited.newBuilder().setRoom(room.value()).setRole(role(role));
    if (by != null) {
      b.setBy(by.value());
    }
    return Envelope.newBuilder().setInvited(b).build();
  }

  /** The wire's visibility. */
  public static RoomVisibility visibility(dev.parley.chat.api.RoomVisibility visibility) {
    return switch (visibility) {
      case PUBLIC -> RoomVisibility.VISIBILITY_PUBLIC;
      case PRIVATE -> RoomVisibility.VISIBILITY_PRIVATE;
    };
  }

  /** The visibility the wire names, or null for none or one this version does not know. */
  public static dev.parley.chat.api.RoomVisibility visibilityOrNull(RoomVisibility visibility) {
    return switch (visibility) {
      case VISIBILITY_PUBLIC -> dev.parley.chat.api.RoomVisibility.PUBLIC;
      case VISIBILITY_PRIVATE -> dev.parley.chat.api.RoomVisibility.PRIVATE;
      default -> null;
    };
  }

  /** The wire's role. */
  public static RoomRole role(dev.parley.chat.api.RoomRole role) {
    return switch (role) {
      case OWNER -> RoomRole.ROLE_OWNER;
      case MODERATOR -> RoomRole.ROLE_MODERATOR;
      case MEMBER -> RoomRole.ROLE_MEMBER;
      case READER -> RoomRole.ROLE_READER;
    };
  }

  /** The role the wire names, or null for none or one this version does not know. */
  public static dev.parley.chat.api.RoomRole roleOrNull(RoomRole role) {
    return switch (role) {
      case ROLE_OWNER -> dev.parley.chat.api.RoomRole.OWNER;
      case ROLE_MODERATOR -> dev.parley.chat.api.RoomRole.MODERATOR;
      case ROLE_MEMBER -> dev.parley.chat.api.RoomRole.MEMBER;
      case ROLE_READER -> dev.parley.chat.api.RoomRole.READER;
      default -> null;
    };
  }

  public static Envelope pong(long requestId, long nonce) {
    return Envelope.newBuilder()
        .setRequestId(requestId)
        .setPong(Pong.newBuilder().setNonce(nonce))
        .build();
  }

  /** The server is about to close the connection; the client should come back after the delay. */
  public static Envelope goAway(String reason, int reconnectAfterMillis) {
    return Envelope.newBuilder()
        .setGoAway(GoAway.newBuilder().setReason(reason).setReconnectAfterMs(reconnectAfterMillis))
        .build();
  }

  /** An Error body: the code's number and name, whether it may pass, and the room, if any. */
  public static Error error(ErrorCode code, String message, RoomId room) {
    return errorNaming(code, message, room == null ? null : room.value());
  }

  /**
   * An Error body naming the room as the client wrote it, which may not be a valid room id (a
   * rejected entry of Welcome).
   */
  public static Error errorNaming(ErrorCode code, String message, String roomText) {
    Error.Builder b =
        Error.newBuilder()
            .setCode(code.code())
            .setName(code.name())
            .setMessage(message)
            .setRetryable(code.retryable());
    if (roomText != null) {
      b.setRoom(roomText);
    }
    return b.build();
  }

  /** The Error for a refused request: the exception's code, reason and retry-after, if any. */
  public static Error error(ChatException failure, RoomId room) {
    Error error = error(failure.code(), failure.reason(), room);
    return failure.retryAfter().isEmpty()
        ? error
        : error.toBuilder().setRetryAfterMs(retryAfterMillis(failure.retryAfter().get())).build();
  }

  /**
   * A retry-after for the wire: whole milliseconds, at least 1 (0 means no advice), at most about
   * 49 days (the field is an unsigned 32-bit number).
   */
  public static int retryAfterMillis(Duration retryAfter) {
    long millis = Math.max(1, retryAfter.toMillis());
    return (int) Math.min(millis, 0xFFFF_FFFFL);
  }

  public static Envelope errorFrame(long requestId, ErrorCode code, String message, RoomId room) {
    return errorFrame(requestId, error(code, message, room));
  }

  public static Envelope errorFrame(long requestId, Error error) {
    return Envelope.newBuilder().setRequestId(requestId).setError(error).build();
  }

  // --- Into value types ---

  /**
   * The message as a value.
   *
   * @throws IllegalArgumentException if a field is invalid (an empty id, seq 0...)
   * @throws DateTimeException if the timestamp is out of range
   */
  public static ChatMessage chatMessage(Message m) {
    return new ChatMessage(
        RoomId.of(m.getRoom()),
        m.getSeq(),
        MessageId.of(m.getMessageId()),
        UserId.of(m.getSender()),
        ClientMessageId.of(m.getClientMessageId()),
        Instant.ofEpochMilli(m.getTimestampMs()),
        m.getText(),
        m.getPayload().toByteArray(),
        m.getAttachmentsList().stream().map(EnvelopeCodec::attachment).toList());
  }

  /**
   * The valid messages of a history page of {@code room}, in page order; invalid ones and ones of
   * another room are logged and left out.
   */
  public static List<ChatMessage> chatMessages(RoomId room, List<Message> page) {
    List<ChatMessage> result = new ArrayList<>(page.size());
    for (Message m : page) {
      try {
        ChatMessage message = chatMessage(m);
        if (message.room().equals(room)) {
          result.add(message);
        } else {
          log.warn("history page of {} carried a message of {}; ignored", room, message.room());
        }
      } catch (IllegalArgumentException | DateTimeException e) {
        log.warn(
            "history page of {} carried an invalid message (seq {}): {}",
            room,
            m.getSeq(),
            e.getMessage());
      }
    }
    return result;
  }

  /**
   * The Error as an exception. A code this version does not know becomes {@link
   * ErrorCode#INTERNAL}; an empty message becomes the code's name.
   */
  public static ChatException exception(Error error) {
    ErrorCode code = ErrorCode.fromCode(error.getCode());
    String message = error.getMessage();
    // servers before 0.1 sent the code in front of the message; ChatException adds it again
    String prefix = code.name() + ": ";
    while (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    long retryAfterMillis = Integer.toUnsignedLong(error.getRetryAfterMs());
    return new ChatException(
        code,
        message.isEmpty() ? code.name() : message,
        retryAfterMillis == 0 ? null : Duration.ofMillis(retryAfterMillis));
  }

  /**
   * Where the room stood when Joined was sent.
   *
   * @throws IllegalArgumentException if the numbers are inconsistent (first seq above the head)
   */
  public static dev.parley.chat.spi.RoomPosition position(Joined joined) {
    return new dev.parley.chat.spi.RoomPosition(
        joined.getHeadSeq(), joined.getFirstSeq(), joined.getEpoch());
  }

  /** Parses a room id from the wire, or null if it is not valid. */
  public static RoomId roomOrNull(String text) {
    try {
      return RoomId.of(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Parses a user id from the wire, or null if it is not valid. */
  public static UserId userOrNull(String text) {
    try {
      return UserId.of(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
