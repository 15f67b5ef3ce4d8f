package dev.parley.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import dev.parley.chat.api.ClientMessageId;
import dev.parley.chat.api.MessageId;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Event;
import dev.parley.chat.spi.ChatEvent;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codec's edges: what it refuses, and how, and what it quietly accepts. */
class EventCodecTest {
  private static final Instant AT = Instant.parse("2026-12-06T08:00:00.123Z");
  private static final ChatEvent STORED =
      new ChatEvent.MessageStored(
          "message.stored:team.blue:7",
          AT,
          RoomId.of("team.blue"),
          7,
          MessageId.of("m7"),
          UserId.of("alice"),
          ClientMessageId.of("c7"),
          List.of(UserId.of("bob"), UserId.of("carol")));

  @Test
  void jsonNamesTheFieldsAsTheSchemaDoes() {
    assertThat(EventCodec.toJson(STORED))
        .isEqualTo(
            "{\"id\":\"message.stored:team.blue:7\",\"atMs\":\"1796544000123\","
                + "\"type\":\"message.stored\",\"messageStored\":{\"room\":\"team.blue\","
                + "\"seq\":\"7\",\"messageId\":\"m7\",\"sender\":\"alice\","
                + "\"clientMessageId\":\"c7\",\"deliveredLive\":[\"bob\",\"carol\"]}}");
  }

  @Test
  void jsonInSnakeCaseWithUnknownKeysReadsTheSame() {
    String json =
        "{\"id\":\"message.stored:team.blue:7\",\"at_ms\":1796544000123,\"future\":[1,{}],"
            + "\"type\":\"message.stored\",\"message_stored\":{\"room\":\"team.blue\",\"seq\":7,"
            + "\"message_id\":\"m7\",\"sender\":\"alice\",\"client_message_id\":\"c7\","
            + "\"delivered_live\":[\"bob\",\"carol\"],\"reactions\":{\"a\":1}}}";

    assertThat(EventCodec.fromJson(json)).isEqualTo(STORED);
  }

  @Test
  void unknownProtobufFieldsAreIgnored() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(EventCodec.encode(STORED));
    CodedOutputStream extra = CodedOutputStream.newInstance(bytes);
    extra.writeString(99, "a field of a later version");
    extra.flush();

    assertThat(EventCodec.decode(bytes.toByteArray())).isEqualTo(STORED);
  }

  @Test
  void timesAreCarriedToTheMillisecond() {
    ChatEvent precise =
        new ChatEvent.UserOnline("e1", Instant.parse("2026-12-06T08:00:00.123456789Z"), alice());

    assertThat(EventCodec.decode(EventCodec.encode(precise)).at()).isEqualTo(AT);
    assertThat(EventCodec.fromJson(EventCodec.toJson(precise)).at()).isEqualTo(AT);
  }

  @Test
  void aTimeBeyondMillisecondsInALongIsRefused() {
    ChatEvent far = new ChatEvent.UserOnline("e1", Instant.MAX, alice());

    assertThatThrownBy(() -> EventCodec.encode(far))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void routingKeysWriteDotsOfIdsAsTildes() {
    assertThat(EventCodec.routingKey(STORED)).isEqualTo("message.stored.team~blue");
    assertThat(EventCodec.routingKey(new ChatEvent.UserOffline("e", AT, UserId.of("a.b@c.d"))))
        .isEqualTo("user.offline.a~b@c~d");
    assertThat(
            EventCodec.routingKey(
                new ChatEvent.RoomCreated("e", AT, RoomId.of("dm:a:b"), UserId.of("a"))))
        .isEqualTo("room.created.dm:a:b");
    assertThatThrownBy(() -> EventCodec.routingKeyWord("a*b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'*' at index 1");
  }

  @Test
  void garbageIsRefused() {
    assertThatThrownBy(() -> EventCodec.decode(new byte[] {(byte) 0xff, 0x01}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Protobuf parley.v1.Event");
    assertThatThrownBy(() -> EventCodec.fromJson("{\"id\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a JSON parley.v1.Event");
    assertThatThrownBy(() -> EventCodec.fromJson("[]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEventOfAnUnknownKindIsRefusedNamingItsType() {
    byte[] later = Event.newBuilder().setId("e9").setType("message.edited").build().toByteArray();

    assertThatThrownBy(() -> EventCodec.decode(later))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'message.edited'")
        .hasMessageContaining("no kind this version knows");
    assertThatThrownBy(() -> EventCodec.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTypeThatDoesNotMatchTheKindIsRefused() {
    Event proto =
        Event.newBuilder()
            .setId("e1")
            .setType("user.offline")
            .setUserOnline(Event.UserOnline.newBuilder().setUser("alice"))
            .build();

    assertThatThrownBy(() -> EventCodec.decode(proto.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("says type 'user.offline' but carries user.online");
  }

  @Test
  void valuesNoEventCanHoldAreRefused() throws Exception {
    Event valid = Event.parseFrom(EventCodec.encode(STORED));
    Event.MessageStored body = valid.getMessageStored();

    assertRefused(valid.toBuilder().setId("").build(), "event id");
    assertRefused(valid.toBuilder().setId("x".repeat(257)).build(), "event id");
    assertRefused(
        valid.toBuilder().setMessageStored(body.toBuilder().setSeq(0)).build(), "seq must be 1");
    assertRefused(
        valid.toBuilder().setMessageStored(body.toBuilder().setRoom("a b")).build(), "room id");
    assertRefused(
        valid.toBuilder().setMessageStored(body.toBuilder().setSender("")).build(), "user id");
    assertRefused(
        valid.toBuilder().setMessageStored(body.toBuilder().addDeliveredLive("*")).build(),
        "user id");
    assertRefused(
        valid.toBuilder().setMessageStored(body.toBuilder().setMessageId("m-1")).build(),
        "message id");
  }

  @Test
  void aNumberWithAHugeExponentIsRefusedAtOnce() {
    String json =
        "{\"id\":\"e\",\"type\":\"user.online\",\"atMs\":1e999999999,"
            + "\"userOnline\":{\"user\":\"alice\"}}";

    assertThatThrownBy(() -> EventCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("atMs is a number with an exponent");
  }

  @Test
  void twoKindsInOneJsonEventAreRefused() {
    String json =
        "{\"id\":\"e\",\"type\":\"user.online\",\"userOnline\":{\"user\":\"a\"},"
            + "\"userOffline\":{\"user\":\"a\"}}";

    assertThatThrownBy(() -> EventCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void invalidUtf8IsRefused() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(1, new byte[] {(byte) 0xc3, 0x28});
    out.writeString(3, "user.online");
    out.writeMessage(14, Event.UserOnline.newBuilder().setUser("alice").build());
    out.flush();

    assertThatThrownBy(() -> EventCodec.decode(bytes.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Protobuf parley.v1.Event");
  }

  private static void assertRefused(Event proto, String reason) {
    assertThatThrownBy(() -> EventCodec.decode(proto.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds a bad value")
        .hasMessageContaining(reason);
  }

  private static UserId alice() {
    return UserId.of("alice");
  }
}
