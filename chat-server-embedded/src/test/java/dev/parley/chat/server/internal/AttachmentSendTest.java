package dev.parley.chat.server.internal;

import static dev.parley.chat.protocol.internal.Envelope.BodyCase.ERROR;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.HISTORY_PAGE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.MESSAGE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.PRESENCE;
import static dev.parley.chat.protocol.internal.Envelope.BodyCase.SEND_ACK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Direction;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.HistoryRequest;
import dev.parley.chat.protocol.internal.Send;
import dev.parley.chat.server.BeforeStoreEvent;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.MessageVerdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload tokens in the send path, in memory: a Send attaches exactly the files its tokens grant its
 * sender, and every token that is forged, expired, someone else's or one too many refuses the whole
 * send with a clear error and changes nothing.
 */
class AttachmentSendTest {
  private static final Attachment PHOTO =
      Attachment.of("a".repeat(64), "beach.png", "image/png", 48_213, 640, 480, "b".repeat(64));
  private static final Attachment REPORT =
      Attachment.of("c".repeat(64), "report.pdf", "application/pdf", 1_024, 0, 0, "");

  @TempDir Path dir;
  private Engine engine;
  private FakeConnection alice;
  private FakeConnection bob;

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close();
    }
  }

  private void start(boolean attachmentsOn) throws IOException {
    start(attachmentsOn, b -> {});
  }

  private void start(boolean attachmentsOn, Consumer<ChatServerBuilder> configure)
      throws IOException {
    FileSystemBlobStore blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
    UnaryOperator<ServerSettings> adjust =
        s ->
            TestAttachments.with(
                s, attachmentsOn ? TestAttachments.settings(blobs, dir.resolve("staging")) : null);
    engine = new Engine(configure, adjust);
    alice = engine.connect("alice");
    bob = engine.connect("bob");
    engine.join(alice, "r");
    engine.join(bob, "r");
    alice.next(PRESENCE);
  }

  private String token(Attachment attachment, String owner) {
    return TestAttachments.token(engine.clock, attachment, owner);
  }

  private Envelope send(String clientMessageId, String text, List<String> tokens) {
    Envelope frame =
        Envelope.newBuilder()
            .setRequestId(engine.nextRequestId())
            .setSend(
                Send.newBuilder()
                    .setRoom("r")
                    .setClientMessageId(clientMessageId)
                    .setText(text)
                    .addAllAttachments(tokens))
            .build();
    engine.send(alice, frame);
    return frame;
  }

  /** Alice's send was refused with {@code code}; a plain send after it is the room's first. */
  private String assertRefusedAndNothingChanged(Envelope request, ErrorCode code) {
    Envelope error = alice.next(ERROR);
    assertThat(error.getRequestId()).isEqualTo(request.getRequestId());
    assertThat(error.getError().getCode()).isEqualTo(code.code());
    assertThat(error.getError().getRoom()).isEqualTo("r");
    assertThat(error.getError().getRetryable()).isFalse();
    send("after", "plain", List.of());
    var delivered = bob.next(MESSAGE).getMessage();
    assertThat(delivered.getSeq()).isEqualTo(1);
    assertThat(delivered.getText()).isEqualTo("plain");
    return error.getError().getMessage();
  }

  @Test
  void attachmentsGrantedByTokensAreStoredDeliveredAndReadBack() throws IOException {
    start(true);
    send("m1", "holiday", List.of(token(PHOTO, "alice"), token(REPORT, "alice")));
    assertThat(alice.next(MESSAGE).getMessage().getAttachmentsCount()).isEqualTo(2);
    assertThat(alice.next(SEND_ACK).getSendAck().getSeq()).isEqualTo(1);

    var atBob = EnvelopeCodec.chatMessage(bob.next(MESSAGE).getMessage());
    assertThat(atBob.text()).isEqualTo("holiday");
    assertThat(delivered(atBob.attachments())).containsExactly(PHOTO, REPORT);

    var stored =
        engine
            .context
            .store()
            .read(RoomId.of("r"), 1, dev.parley.chat.spi.MessageStore.ReadDirection.FORWARD, 10)
            .join()
            .messages();
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).attachments()).containsExactly(PHOTO, REPORT);

    engine.send(
        bob,
        Envelope.newBuilder()
            .setRequestId(engine.nextRequestId())
            .setHistoryRequest(
                HistoryRequest.newBuilder()
                    .setRoom("r")
                    .setFromSeq(0)
                    .setDirection(Direction.FORWARD)
                    .setLimit(10))
            .build());
    var page = bob.next(HISTORY_PAGE).getHistoryPage();
    assertThat(page.getMessagesList())
        .singleElement()
        .satisfies(
            m ->
                assertThat(delivered(EnvelopeCodec.chatMessage(m).attachments()))
                    .containsExactly(PHOTO, REPORT));
  }

  @Test
  void jsonClientsSendTokensAndReadAttachmentsAsDocumented() throws IOException {
    start(true);
    FakeConnection carol = engine.open(Protocol.SUBPROTOCOL_JSON);
    engine.send(carol, engine.connectFrame("carol"));
    carol.next(Envelope.BodyCase.WELCOME);
    engine.join(carol, "r");
    String token = token(PHOTO, "carol");
    // the Send of docs/protocol.md's example, as a browser writes it
    engine.core.onText(
        carol,
        "{\"requestId\":\"7\",\"send\":{\"room\":\"r\",\"clientMessageId\":\"web-5f1c2d\","
            + "\"text\":\"the beach\",\"attachments\":[\""
            + token
            + "\"]}}");
    Envelope delivered = carol.next(MESSAGE);
    assertThat(carol.next(SEND_ACK).getRequestId()).isEqualTo(7);
    assertThat(JsonFrames.encode(delivered))
        .contains(
            "\"attachments\":[{\"id\":\""
                + PHOTO.id()
                + "\",\"name\":\"beach.png\",\"contentType\":\"image/png\",\"size\":\"48213\","
                + "\"width\":640,\"height\":480,\"thumbnailId\":\""
                + PHOTO.thumbnailId()
                + "\"");
    Envelope atBob = bob.next();
    while (atBob.getBodyCase() == PRESENCE) { // carol came online, in whatever order
      atBob = bob.next();
    }
    assertThat(delivered(EnvelopeCodec.chatMessage(atBob.getMessage()).attachments()))
        .containsExactly(PHOTO);
  }

  @Test
  void hooksSeeTheAttachmentsAndARewriteKeepsThem() throws IOException {
    List<List<Attachment>> seen = new CopyOnWriteArrayList<>();
    start(
        true,
        b ->
            b.messageHook(
                new MessageHook() {
                  @Override
                  public MessageVerdict beforeStore(BeforeStoreEvent event) {
                    seen.add(event.attachments());
                    boolean pdf =
                        event.attachments().stream()
                            .anyMatch(a -> a.contentType().equals("application/pdf"));
                    return pdf
                        ? MessageVerdict.reject("no PDFs here")
                        : MessageVerdict.rewrite("🏖");
                  }
                }));
    send("m1", "beach", List.of(token(PHOTO, "alice")));
    var atBob = EnvelopeCodec.chatMessage(bob.next(MESSAGE).getMessage());
    assertThat(atBob.text()).isEqualTo("🏖");
    assertThat(delivered(atBob.attachments())).containsExactly(PHOTO);

    Envelope refused = send("m2", "report", List.of(token(PHOTO, "alice"), token(REPORT, "alice")));
    alice.next(MESSAGE);
    alice.next(SEND_ACK);
    Envelope error = alice.next(ERROR);
    assertThat(error.getRequestId()).isEqualTo(refused.getRequestId());
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.REJECTED.code());
    assertThat(seen).containsExactly(List.of(PHOTO), List.of(PHOTO, REPORT));
  }

  @Test
  void aMessageMayCarryOnlyAttachments() throws IOException {
    start(true);
    send("m1", "", List.of(token(PHOTO, "alice")));
    var atBob = EnvelopeCodec.chatMessage(bob.next(MESSAGE).getMessage());
    assertThat(atBob.text()).isEmpty();
    assertThat(delivered(atBob.attachments())).containsExactly(PHOTO);
  }

  @Test
  void aResendWithTheSameTokensIsOneMessage() throws IOException {
    start(true);
    String token = token(PHOTO, "alice");
    send("m1", "once", List.of(token));
    alice.next(MESSAGE);
    alice.next(SEND_ACK);
    send("m1", "once", List.of(token));
    var again = alice.next(SEND_ACK).getSendAck();
    assertThat(again.getDuplicate()).isTrue();
    assertThat(again.getSeq()).isEqualTo(1);
    assertThat(delivered(EnvelopeCodec.chatMessage(bob.next(MESSAGE).getMessage()).attachments()))
        .containsExactly(PHOTO);
  }

  @Test
  void aForgedTokenIsRefused() throws IOException {
    start(true);
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    String forged =
        new AttachmentTokens(otherKey, engine.clock)
            .issue(PHOTO, UserId.of("alice"), Duration.ofHours(1));
    String message =
        assertRefusedAndNothingChanged(
            send("m1", "x", List.of(token(REPORT, "alice"), forged)), ErrorCode.FORBIDDEN);
    assertThat(message).contains("not issued by this server");
  }

  @Test
  void anAlteredTokenIsRefused() throws IOException {
    start(true);
    String genuine = token(REPORT, "alice");
    // the same signature over a grant that names a different file
    String other = token(PHOTO, "alice");
    String altered =
        other.substring(0, other.indexOf('.')) + genuine.substring(genuine.indexOf('.'));
    assertRefusedAndNothingChanged(send("m1", "x", List.of(altered)), ErrorCode.FORBIDDEN);
  }

  @Test
  void aMalformedTokenIsRefused() throws IOException {
    start(true);
    String message =
        assertRefusedAndNothingChanged(
            send("m1", "x", List.of("not a token")), ErrorCode.INVALID_ARGUMENT);
    assertThat(message).contains("malformed");
  }

  @Test
  void anExpiredTokenIsRefused() throws IOException {
    start(true);
    String token = token(PHOTO, "alice");
    engine.clock.advance(Duration.ofHours(1));
    String message =
        assertRefusedAndNothingChanged(
            send("m1", "late", List.of(token)), ErrorCode.INVALID_ARGUMENT);
    assertThat(message).contains("expired");
  }

  @Test
  void someoneElsesTokenIsRefused() throws IOException {
    start(true);
    String message =
        assertRefusedAndNothingChanged(
            send("m1", "mine now", List.of(token(PHOTO, "bob"))), ErrorCode.FORBIDDEN);
    assertThat(message).contains("another user");
  }

  @Test
  void moreThanTenAttachmentsAreRefused() throws IOException {
    start(true);
    List<String> tokens =
        new ArrayList<>(Collections.nCopies(Attachment.MAX_PER_MESSAGE + 1, token(PHOTO, "alice")));
    String message =
        assertRefusedAndNothingChanged(send("m1", "many", tokens), ErrorCode.INVALID_ARGUMENT);
    assertThat(message).contains("at most 10 attachments");
  }

  @Test
  void tenAttachmentsAreAccepted() throws IOException {
    start(true);
    send("m1", "ten", Collections.nCopies(Attachment.MAX_PER_MESSAGE, token(PHOTO, "alice")));
    assertThat(bob.next(MESSAGE).getMessage().getAttachmentsCount()).isEqualTo(10);
  }

  @Test
  void attachmentsAreRefusedWhenTheyAreOff() throws IOException {
    start(false);
    String token =
        TestAttachments.tokens(Clock.fixed(engine.clock.instant(), engine.clock.getZone()))
            .issue(PHOTO, UserId.of("alice"), Duration.ofHours(1));
    String message =
        assertRefusedAndNothingChanged(send("m1", "x", List.of(token)), ErrorCode.INVALID_ARGUMENT);
    assertThat(message).isEqualTo("attachments are off on this server");
  }

  /**
   * Attachments as a member receives them: each with a signed download link (and one for its
   * thumbnail when it has one), returned without the links for comparison with what was uploaded.
   */
  private static List<Attachment> delivered(List<Attachment> received) {
    for (Attachment a : received) {
      assertThat(a.url()).startsWith("/chat/files/" + a.id() + "?").contains("&sig=");
      if (a.thumbnailId().isEmpty()) {
        assertThat(a.thumbnailUrl()).isEmpty();
      } else {
        assertThat(a.thumbnailUrl()).startsWith("/chat/files/" + a.thumbnailId() + "?");
      }
    }
    return received.stream().map(Attachment::withoutLinks).toList();
  }
}
