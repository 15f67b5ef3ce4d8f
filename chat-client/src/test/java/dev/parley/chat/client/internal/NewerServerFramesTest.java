package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Joined;
import dev.parley.chat.protocol.internal.Message;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Frames from a newer server, with fields (and message types) this client does not know: the client
 * reads what it knows and ignores the rest, as docs/protocol.md's Compatibility section promises.
 * The client speaks the binary subprotocol only, so this is the Protobuf case.
 */
class NewerServerFramesTest {
  /** Field numbers no version of the schema uses, with each wire type a future field may have. */
  private static final UnknownFieldSet FUTURE_FIELDS =
      UnknownFieldSet.newBuilder()
          .addField(900, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
          .addField(
              901,
              UnknownFieldSet.Field.newBuilder()
                  .addLengthDelimited(ByteString.copyFromUtf8("from the future"))
                  .build())
          .addField(902, UnknownFieldSet.Field.newBuilder().addFixed64(7).build())
          .build();

  private ClientHarness harness;

  @AfterEach
  void tearDown() {
    if (harness != null) {
      harness.close();
      harness.listener.assertContractKept();
    }
  }

  @Test
  void unknownFieldsInKnownMessagesAreIgnored() {
    harness = new ClientHarness();
    CompletableFuture<ChatSession> connecting = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    Envelope connect = server.next(Envelope.BodyCase.CONNECT);
    Envelope welcome = Frames.welcome(connect.getRequestId(), "alice");
    server.send(
        welcome.toBuilder()
            .setWelcome(welcome.getWelcome().toBuilder().setUnknownFields(FUTURE_FIELDS))
            .setUnknownFields(FUTURE_FIELDS)
            .build());
    ChatSession session = connecting.join();
    assertThat(session.state()).isEqualTo(ChatSession.State.CONNECTED);
    harness.listener.nextState(ChatSession.State.CONNECTED);

    CompletableFuture<RoomHandle> joining = session.join(RoomId.of("general"));
    Envelope join = server.next(Envelope.BodyCase.JOIN);
    Joined joined =
        Frames.joined("general", 2, 1, "alice").toBuilder().setUnknownFields(FUTURE_FIELDS).build();
    server.send(Frames.joinedReply(join.getRequestId(), joined));
    RoomHandle room = joining.join();
    assertThat(room.lastSeq()).isEqualTo(2);

    Message message =
        Frames.message("general", 3).toBuilder().setUnknownFields(FUTURE_FIELDS).build();
    server.send(Envelope.newBuilder().setMessage(message).setUnknownFields(FUTURE_FIELDS).build());
    assertThat(harness.listener.nextMessage("general", 3).message().text())
        .isEqualTo(message.getText());
    harness.listener.assertExhausted();
  }

  @Test
  void anUnknownMessageTypeIsSkippedAndTheSessionCarriesOn() {
    harness = new ClientHarness();
    ClientHarness.Connected c = harness.connectAndWelcome("alice");
    RoomHandle room = ClientHarness.join(c, "general", 0);
    // field 99 of Envelope, a body this version does not know
    c.server().send(Envelope.newBuilder().setRequestId(0).setUnknownFields(FUTURE_FIELDS).build());
    c.server().sendRaw(new byte[] {(byte) 0x9a, 0x06, 0x02, 0x08, 0x01});
    c.server().send(Frames.live("general", 1));
    harness.listener.nextMessage("general", 1);
    assertThat(room.lastSeq()).isEqualTo(1);
    assertThat(c.session().state()).isEqualTo(ChatSession.State.CONNECTED);
    harness.listener.assertExhausted();
  }
}
