package dev.parley.chat.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Left;
import org.junit.jupiter.api.Test;

/**
 * The application's room calls against the engine in memory: the pushed Left of a closed room on
 * both wire formats.
 */
class ServerRoomsEngineTest {
  @Test
  void aClosedRoomsLeftCarriesItsReasonOnBothWireFormats() {
    try (Engine engine = new Engine()) {
      FakeConnection json = engine.open(Protocol.SUBPROTOCOL_JSON);
      engine.send(json, engine.connectFrame("alice"));
      json.next(Envelope.BodyCase.WELCOME);
      engine.join(json, "lobby");
      FakeConnection binary = engine.connect("bob");
      engine.join(binary, "lobby");
      json.drain();
      binary.drain();

      RealServerRooms rooms = new RealServerRooms(engine.context, engine.core);
      assertThat(rooms.close(RoomId.of("lobby"), "closed for the night").join()).isEqualTo(2);

      for (FakeConnection c : new FakeConnection[] {json, binary}) {
        Envelope left = c.next(Envelope.BodyCase.LEFT);
        assertThat(left.getRequestId()).isZero();
        assertThat(left.getLeft().getRoom()).isEqualTo("lobby");
        assertThat(left.getLeft().getReason()).isEqualTo("closed for the night");
      }
      assertThat(engine.context.rooms().size()).as("the room is retired").isZero();
    }
  }

  @Test
  void theReasonIsAPlainJsonField() throws Exception {
    Envelope left =
        Envelope.newBuilder()
            .setLeft(Left.newBuilder().setRoom("lobby").setReason("closed"))
            .build();
    String text = JsonFrames.encode(left);
    assertThat(text).contains("\"reason\":\"closed\"");
    assertThat(JsonFrames.decode(text)).isEqualTo(left);
  }
}
