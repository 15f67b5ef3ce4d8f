package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.Protocol;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: every frame type of {@code parley.v1}, built by {@link EnvelopeCodec} from random
 * values, survives both wire encodings: it decodes to an equal Envelope, and the values read back
 * from the decoded frame (with the codec's own decoders where it has them) equal the values it was
 * built from. One test per frame type and encoding; each runs {@value #CASES} seeded cases, and the
 * seed is in every assertion message, so a failure reproduces.
 *
 * <p>A body added to the schema without a sample here fails {@link #sampleOf}: the list of frame
 * types comes from the generated {@link Envelope.BodyCase}, not from this file.
 */
class EnvelopeCodecRoundTripTest {
  private static final int CASES = 200;
  private static final long SEED = 20261205L;

  /** The two wire encodings of an Envelope, each as a round trip through its bytes. */
  enum Format {
    BINARY {
      @Override
      Envelope roundTrip(Envelope envelope) throws FrameDecodeException {
        return BinaryFrames.decode(BinaryFrames.encode(envelope));
      }
    },
    JSON {
      @Override
      Envelope roundTrip(Envelope envelope) throws FrameDecodeException {
        return JsonFrameCodec.decode(JsonFrameCodec.encode(envelope));
      }
    };

    abstract Envelope roundTrip(Envelope envelope) throws FrameDecodeException;
  }

  /**
   * A frame built by the codec, the values it was built from, and how to read those values back
   * from a frame of the same type.
   */
  record Sample(Envelope frame, Object values, Function<Envelope, Object> read) {}

  static Stream<Arguments> frameTypesAndFormats() {
    return Arrays.stream(Envelope.BodyCase.values())
        .filter(body -> body != Envelope.BodyCase.BODY_NOT_SET)
        .flatMap(body -> Arrays.stream(Format.values()).map(f -> Arguments.of(body, f)));
  }

  @ParameterizedTest(name = "{0} as {1}")
  @MethodSource("frameTypesAndFormats")
  void everyFrameTypeDecodesToEqualValues(Envelope.BodyCase body, Format format)
      throws FrameDecodeException {
    for (int i = 0; i < CASES; i++) {
      long seed = SEED * 31 + body.getNumber() * 1_000L + i;
      Sample sample = sampleOf(body, new Random(seed));
      assertThat(sample.frame().getBodyCase()).as("seed %d", seed).isEqualTo(body);

      Envelope decoded = format.roundTrip(sample.frame());

      assertThat(decoded).as("seed %d", seed).isEqualTo(sample.frame());
      assertThat(sample.read().apply(decoded)).as("seed %d", seed).isEqualTo(sample.values());
    }
  }

  // --- One sample per frame type ---

  static Sample sampleOf(Envelope.BodyCase body, Random r) {
    long requestId = r.nextLong(); // uint64 on the wire: half of these are above 2^63
    return switch (body) {
      case CONNECT -> {
        String token = text(r);
        String name = text(r);
        String version = text(r);
        RoomId room = room(r);
        long lastSeq = r.nextLong();
        List<RoomPosition> resume =
            r.nextBoolean() ? List.of() : List.of(EnvelopeCodec.position(room, lastSeq));
        yield new Sample(
            EnvelopeCodec.connect(requestId, token, name, version, resume),
            List.of(requestId, Protocol.VERSION, token, name, version, resume),
            e ->
                List.of(
                    e.getRequestId(),
                    e.getConnect().getProtocolVersion(),
                    e.getConnect().getToken(),
                    e.getConnect().getClientName(),
                    e.getConnect().getClientVersion(),
                    e.getConnect().getResumeList()));
      }
      case JOIN -> {
        RoomId room = room(r);
        yield new Sample(
            EnvelopeCodec.join(requestId, room),
            List.of(requestId, room),
            e -> List.of(e.getRequestId(), RoomId.of(e.getJoin().getRoom())));
      }
      case LEAVE -> {
        RoomId room = room(r);
        yield new Sample(
            EnvelopeCodec.leave(requestId, room),
            List.of(requestId, room),
            e -> List.of(e.getRequestId(), RoomId.of(e.getLeave().getRoom())));
      }
      case SEND -> {
        RoomId room = room(r);
        ClientMessageId id = ClientMessageId.of(identifier(r, ClientMessageId.MAX_LENGTH));
        String text = text(r);
        byte[] payload = bytes(r);
        yield new Sample(
            EnvelopeCodec.send(requestId, room, id, text, payload),
            List.of(requestId, room, id, text, ByteBuffer.wrap(payload)),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getSend().getRoom()),
                    ClientMessageId.of(e.getSend().getClientMessageId()),
                    e.getSend().getText(),
                    e.getSend().getPayload().asReadOnlyByteBuffer()));
      }
      case HISTORY_REQUEST -> {
        RoomId room = room(r);
        long fromSeq = r.nextLong();
        Direction direction = r.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD;
        int limit = r.nextInt();
        yield new Sample(
            EnvelopeCodec.history(requestId, room, fromSeq, direction, limit),
            List.of(requestId, room, fromSeq, direction, limit),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getHistoryRequest().getRoom()),
                    e.getHistoryRequest().getFromSeq(),
                    e.getHistoryRequest().getDirection(),
                    e.getHistoryRequest().getLimit()));
      }
      case TYPING -> {
        RoomId room = room(r);
        boolean active = r.nextBoolean();
        if (r.nextBoolean()) {
          yield new Sample(
              EnvelopeCodec.typing(requestId, room, active),
              List.of(requestId, room, active, ""),
              e ->
                  List.of(
                      e.getRequestId(),
                      RoomId.of(e.getTyping().getRoom()),
                      e.getTyping().getActive(),
                      e.getTyping().getUser()));
        }
        UserId user = user(r);
        yield new Sample(
            EnvelopeCodec.typingNotice(room, user, active),
            List.of(0L, room, active, user),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getTyping().getRoom()),
                    e.getTyping().getActive(),
                    EnvelopeCodec.userOrNull(e.getTyping().getUser())));
      }
      case READ_RECEIPT -> {
        RoomId room = room(r);
        long seq = r.nextLong();
        if (r.nextBoolean()) {
          yield new Sample(
              EnvelopeCodec.readReceipt(requestId, room, seq),
              List.of(requestId, room, seq, ""),
              e ->
                  List.of(
                      e.getRequestId(),
                      RoomId.of(e.getReadReceipt().getRoom()),
                      e.getReadReceipt().getSeq(),
                      e.getReadReceipt().getUser()));
        }
        UserId user = user(r);
        yield new Sample(
            EnvelopeCodec.readReceiptNotice(room, user, seq),
            List.of(0L, room, seq, user),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getReadReceipt().getRoom()),
                    e.getReadReceipt().getSeq(),
                    EnvelopeCodec.userOrNull(e.getReadReceipt().getUser())));
      }
      case PING -> {
        long nonce = r.nextLong();
        yield new Sample(
            EnvelopeCodec.ping(requestId, nonce),
            List.of(requestId, nonce),
            e -> List.of(e.getRequestId(), e.getPing().getNonce()));
      }
      case CREATE_ROOM -> {
        RoomId room = room(r);
        var visibility = visibility(r);
        yield new Sample(
            EnvelopeCodec.createRoom(requestId, room, visibility),
            List.of(requestId, room, visibility),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getCreateRoom().getRoom()),
                    EnvelopeCodec.visibilityOrNull(e.getCreateRoom().getVisibility())));
      }
      case SET_ROOM_VISIBILITY -> {
        RoomId room = room(r);
        var visibility = visibility(r);
        yield new Sample(
            EnvelopeCodec.setRoomVisibility(requestId, room, visibility),
            List.of(requestId, room, visibility),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getSetRoomVisibility().getRoom()),
                    EnvelopeCodec.visibilityOrNull(e.getSetRoomVisibility().getVisibility())));
      }
      case MODERATE -> {
        RoomId room = room(r);
        UserId user = user(r);
        ModerationAction[] actions = ModerationAction.values();
        ModerationAction action = actions[1 + r.nextInt(actions.length - 2)]; // no UNRECOGNIZED
        java.time.Duration duration = java.time.Duration.ofMillis(r.nextLong());
        String reason = text(r);
        var role = role(r);
        yield new Sample(
            EnvelopeCodec.moderate(requestId, room, user, action, duration, reason, role),
            List.of(requestId, room, user, action, duration, reason, role),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getModerate().getRoom()),
                    UserId.of(e.getModerate().getUser()),
                    e.getModerate().getAction(),
                    java.time.Duration.ofMillis(e.getModerate().getDurationMs()),
                    e.getModerate().getReason(),
                    EnvelopeCodec.roleOrNull(e.getModerate().getRole())));
      }
      case ROOM_ACTION_DONE -> {
        RoomId room = room(r);
        yield new Sample(
            EnvelopeCodec.roomActionDone(requestId, room),
            List.of(requestId, room),
            e -> List.of(e.getRequestId(), RoomId.of(e.getRoomActionDone().getRoom())));
      }
      case INVITED -> {
        RoomId room = room(r);
        UserId by = user(r);
        var role = role(r);
        yield new Sample(
            EnvelopeCodec.invited(room, by, role),
            List.of(0L, room, by, role),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getInvited().getRoom()),
                    UserId.of(e.getInvited().getBy()),
                    EnvelopeCodec.roleOrNull(e.getInvited().getRole())));
      }
      case PONG -> {
        long nonce = r.nextLong();
        yield new Sample(
            EnvelopeCodec.pong(requestId, nonce),
            List.of(requestId, nonce),
            e -> List.of(e.getRequestId(), e.getPong().getNonce()));
      }
      case WELCOME -> {
        UserId user = user(r);
        String sessionId = text(r);
        String serverId = text(r);
        int[] limits = {r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt(), r.nextInt()};
        int heartbeat = r.nextInt();
        List<Joined> rejoined = new ArrayList<>();
        List<Error> rejected = new ArrayList<>();
        for (int n = r.nextInt(3); n > 0; n--) {
          rejoined.add(EnvelopeCodec.joined(room(r), position(r), List.of(user(r).value())));
          rejected.add(EnvelopeCodec.errorNaming(code(r), text(r), text(r)));
        }
        Instant tokenExpiry = r.nextBoolean() ? null : expiry(r);
        yield new Sample(
            EnvelopeCodec.withTokenExpiry(
                EnvelopeCodec.welcome(
                    requestId,
                    user,
                    sessionId,
                    serverId,
                    EnvelopeCodec.limits(limits[0], limits[1], limits[2], limits[3], limits[4]),
                    heartbeat,
                    rejoined,
                    rejected),
                tokenExpiry),
            Arrays.asList(
                requestId,
                user,
                sessionId,
                serverId,
                Protocol.VERSION,
                List.of(limits[0], limits[1], limits[2], limits[3], limits[4]),
                heartbeat,
                rejoined,
                rejected,
                tokenExpiry),
            e -> {
              Welcome w = e.getWelcome();
              ServerLimits l = w.getLimits();
              return Arrays.asList(
                  e.getRequestId(),
                  UserId.of(w.getUser()),
                  w.getSessionId(),
                  w.getServerId(),
                  w.getProtocolVersion(),
                  List.of(
                      l.getMaxFrameBytes(),
                      l.getMaxTextBytes(),
                      l.getMaxPayloadBytes(),
                      l.getMaxRoomsPerSession(),
                      l.getMaxHistoryPage()),
                  w.getHeartbeatIntervalMs(),
                  w.getRejoinedList(),
                  w.getRejectedList(),
                  EnvelopeCodec.expiryOrNull(w.getTokenExpiresAtMs()));
            });
      }
      case JOINED -> {
        RoomId room = room(r);
        dev.parley.chat.spi.RoomPosition position = position(r);
        List<String> online = new ArrayList<>();
        for (int n = r.nextInt(4); n > 0; n--) {
          online.add(user(r).value());
        }
        yield new Sample(
            EnvelopeCodec.joinedReply(requestId, EnvelopeCodec.joined(room, position, online)),
            List.of(requestId, room, position, online),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getJoined().getRoom()),
                    EnvelopeCodec.position(e.getJoined()),
                    e.getJoined().getOnlineList()));
      }
      case LEFT -> {
        RoomId room = room(r);
        Function<Envelope, Object> read =
            e ->
                List.of(
                    e.getRequestId(),
                    EnvelopeCodec.roomOrNull(e.getLeft().getRoom()),
                    e.getLeft().getReason());
        if (r.nextBoolean()) {
          yield new Sample(EnvelopeCodec.left(requestId, room), List.of(requestId, room, ""), read);
        }
        String reason = text(r);
        yield new Sample(EnvelopeCodec.leftNotice(room, reason), List.of(0L, room, reason), read);
      }
      case SEND_ACK -> {
        ChatMessage stored = message(r, room(r));
        boolean duplicate = r.nextBoolean();
        yield new Sample(
            EnvelopeCodec.sendAck(requestId, stored, duplicate),
            List.of(
                requestId,
                stored.room(),
                stored.clientMessageId(),
                stored.seq(),
                stored.id(),
                stored.timestamp(),
                duplicate),
            e -> {
              SendAck a = e.getSendAck();
              return List.of(
                  e.getRequestId(),
                  RoomId.of(a.getRoom()),
                  ClientMessageId.of(a.getClientMessageId()),
                  a.getSeq(),
                  MessageId.of(a.getMessageId()),
                  Instant.ofEpochMilli(a.getTimestampMs()),
                  a.getDuplicate());
            });
      }
      case MESSAGE -> {
        ChatMessage message = message(r, room(r));
        yield new Sample(
            EnvelopeCodec.delivery(message),
            List.of(0L, message),
            e -> List.of(e.getRequestId(), EnvelopeCodec.chatMessage(e.getMessage())));
      }
      case HISTORY_PAGE -> {
        RoomId room = room(r);
        List<ChatMessage> messages = new ArrayList<>();
        List<Message> encoded = new ArrayList<>();
        for (int n = r.nextInt(5); n > 0; n--) {
          ChatMessage m = message(r, room);
          messages.add(m);
          encoded.add(EnvelopeCodec.message(m));
        }
        boolean hasMore = r.nextBoolean();
        dev.parley.chat.spi.RoomPosition position = position(r);
        yield new Sample(
            EnvelopeCodec.historyPage(requestId, room, encoded, hasMore, position),
            List.of(requestId, room, messages, hasMore, position.firstSeq(), position.headSeq()),
            e -> {
              HistoryPage p = e.getHistoryPage();
              return List.of(
                  e.getRequestId(),
                  RoomId.of(p.getRoom()),
                  EnvelopeCodec.chatMessages(room, p.getMessagesList()),
                  p.getHasMore(),
                  p.getFirstSeq(),
                  p.getHeadSeq());
            });
      }
      case PRESENCE -> {
        RoomId room = room(r);
        UserId user = user(r);
        boolean online = r.nextBoolean();
        yield new Sample(
            EnvelopeCodec.presence(room, user, online),
            List.of(0L, room, user, online),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getPresence().getRoom()),
                    UserId.of(e.getPresence().getUser()),
                    e.getPresence().getOnline()));
      }
      case PRESENCE_BATCH -> {
        RoomId room = room(r);
        List<String> online = r.nextBoolean() ? List.of() : List.of(user(r).value());
        List<String> offline = r.nextBoolean() ? List.of() : List.of(user(r).value());
        int count = r.nextInt(Integer.MAX_VALUE);
        yield new Sample(
            EnvelopeCodec.presenceBatch(room, online, offline, count),
            List.of(0L, room, online, offline, count),
            e ->
                List.of(
                    e.getRequestId(),
                    RoomId.of(e.getPresenceBatch().getRoom()),
                    e.getPresenceBatch().getOnlineList(),
                    e.getPresenceBatch().getOfflineList(),
                    e.getPresenceBatch().getOnlineTotal()));
      }
      case ERROR -> {
        ErrorCode code = code(r);
        String reason = text(r);
        RoomId room = r.nextBoolean() ? room(r) : null;
        // retry-after: none, or 1 ms up to the largest the unsigned 32-bit field holds
        Duration retryAfter =
            r.nextBoolean() ? null : Duration.ofMillis(1 + (r.nextLong() & 0xFFFF_FFFEL));
        Envelope frame =
            retryAfter == null && r.nextBoolean()
                ? EnvelopeCodec.errorFrame(requestId, code, reason, room)
                : EnvelopeCodec.errorFrame(
                    requestId,
                    EnvelopeCodec.error(new ChatException(code, reason, retryAfter), room));
        yield new Sample(
            frame,
            Arrays.asList(requestId, code, code.name(), code.retryable(), reason, room, retryAfter),
            e -> {
              ChatException failure = EnvelopeCodec.exception(e.getError());
              return Arrays.asList(
                  e.getRequestId(),
                  failure.code(),
                  e.getError().getName(),
                  e.getError().getRetryable(),
                  failure.reason(),
                  EnvelopeCodec.roomOrNull(e.getError().getRoom()),
                  failure.retryAfter().orElse(null));
            });
      }
      case GO_AWAY -> {
        String reason = text(r);
        int after = r.nextInt();
        yield new Sample(
            EnvelopeCodec.goAway(reason, after),
            List.of(0L, reason, after),
            e ->
                List.of(
                    e.getRequestId(),
                    e.getGoAway().getReason(),
                    e.getGoAway().getReconnectAfterMs()));
      }
      case REAUTHENTICATE -> {
        String token = text(r);
        yield new Sample(
            EnvelopeCodec.reauthenticate(requestId, token),
            List.of(requestId, token),
            e -> List.of(e.getRequestId(), e.getReauthenticate().getToken()));
      }
      case REAUTHENTICATED -> {
        Instant expiresAt = r.nextBoolean() ? null : expiry(r);
        yield new Sample(
            EnvelopeCodec.reauthenticated(requestId, expiresAt),
            Arrays.asList(requestId, expiresAt),
            e ->
                Arrays.asList(
                    e.getRequestId(),
                    EnvelopeCodec.expiryOrNull(e.getReauthenticated().getExpiresAtMs())));
      }
      case TOKEN_EXPIRING -> {
        Instant expiresAt = expiry(r);
        yield new Sample(
            EnvelopeCodec.tokenExpiring(expiresAt),
            List.of(0L, expiresAt),
            e ->
                List.of(
                    e.getRequestId(),
                    EnvelopeCodec.expiryOrNull(e.getTokenExpiring().getExpiresAtMs())));
      }
      case BODY_NOT_SET -> throw new AssertionError("not a frame type");
    };
  }

  // --- Random values ---

  private static final String ID_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  /** Pieces of text that encodings get wrong: quotes, escapes, non-ASCII, surrogate pairs. */
  private static final String[] TEXT_PIECES = {
    "a",
    "Z",
    "7",
    " ",
    "\"",
    "\\",
    "/",
    "\n",
    "\t",
    "\u0000",
    "\u001f",
    "é",
    "ß",
    "漢字",
    "😀",
    "\u2028",
    "<b>",
    "{\"x\":1}",
    "null"
  };

  private static String identifier(Random r, int maxLength) {
    int length = 1 + r.nextInt(Math.min(maxLength, 24));
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ID_CHARS.charAt(r.nextInt(ID_CHARS.length())));
    }
    return b.toString();
  }

  private static dev.parley.chat.api.RoomVisibility visibility(Random r) {
    var all = dev.parley.chat.api.RoomVisibility.values();
    return all[r.nextInt(all.length)];
  }

  private static dev.parley.chat.api.RoomRole role(Random r) {
    var all = dev.parley.chat.api.RoomRole.values();
    return all[r.nextInt(all.length)];
  }

  private static RoomId room(Random r) {
    return RoomId.of(identifier(r, RoomId.MAX_LENGTH) + (r.nextBoolean() ? "" : ".room-1_a@b:c"));
  }

  private static UserId user(Random r) {
    return UserId.of(identifier(r, UserId.MAX_LENGTH));
  }

  /** Never empty: the codec reads an empty Error message as the code's name. */
  private static String text(Random r) {
    StringBuilder b = new StringBuilder();
    for (int n = 1 + r.nextInt(12); n > 0; n--) {
      b.append(TEXT_PIECES[r.nextInt(TEXT_PIECES.length)]);
    }
    return b.toString();
  }

  /** An expiry in whole milliseconds after 1970 (the wire's resolution; 0 means none). */
  private static Instant expiry(Random r) {
    return Instant.ofEpochMilli(1 + (r.nextLong() & 0x3FFF_FFFF_FFFFL));
  }

  private static byte[] bytes(Random r) {
    byte[] bytes = new byte[r.nextInt(3) == 0 ? 0 : r.nextInt(64)];
    r.nextBytes(bytes);
    return bytes;
  }

  private static ErrorCode code(Random r) {
    ErrorCode[] codes = ErrorCode.values();
    return codes[r.nextInt(codes.length)];
  }

  private static dev.parley.chat.spi.RoomPosition position(Random r) {
    long head = r.nextLong() & Long.MAX_VALUE;
    long first = head == 0 ? 0 : (r.nextLong() & Long.MAX_VALUE) % head;
    return new dev.parley.chat.spi.RoomPosition(head, first, r.nextLong());
  }

  private static ChatMessage message(Random r, RoomId room) {
    return new ChatMessage(
        room,
        1 + (r.nextLong() & (Long.MAX_VALUE >> 1)),
        MessageId.of(identifier(r, MessageId.MAX_LENGTH)),
        user(r),
        ClientMessageId.of(identifier(r, ClientMessageId.MAX_LENGTH)),
        Instant.ofEpochMilli(r.nextLong() % 1_000_000_000_000_000L),
        r.nextInt(4) == 0 ? "" : text(r),
        bytes(r));
  }
}
