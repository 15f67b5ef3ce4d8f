package dev.parley.chat.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: a client frame with keys added anywhere (beside the body, inside the body, inside
 * nested messages), of any JSON type, decodes to the same Envelope as without them. Seeded, so a
 * failure reproduces; the seed and the frame are in the assertion message.
 */
class JsonFrameCodecUnknownFieldsPropertyTest {
  private static final int CASES = 2_000;

  @Test
  void unknownKeysAnywhereAreIgnored() throws Exception {
    Random random = new Random(20261205);
    for (int i = 0; i < CASES; i++) {
      Envelope original = randomClientFrame(random);
      JsonObject json = JsonParser.parseString(JsonFrameCodec.encode(original)).getAsJsonObject();
      List<JsonObject> objects = new ArrayList<>();
      collectObjects(json, objects);
      int additions = 1 + random.nextInt(4);
      for (int k = 0; k < additions; k++) {
        JsonObject target = objects.get(random.nextInt(objects.size()));
        target.add("future" + random.nextInt(1000) + "Field", randomValue(random, 2));
      }
      String frame = json.toString();
      assertThat(JsonFrameCodec.decode(frame)).as("case %d: %s", i, frame).isEqualTo(original);
    }
  }

  private static void collectObjects(JsonElement element, List<JsonObject> into) {
    if (element.isJsonObject()) {
      into.add(element.getAsJsonObject());
      for (var entry : element.getAsJsonObject().entrySet()) {
        collectObjects(entry.getValue(), into);
      }
    } else if (element.isJsonArray()) {
      for (JsonElement item : element.getAsJsonArray()) {
        collectObjects(item, into);
      }
    }
  }

  private static JsonElement randomValue(Random random, int depth) {
    switch (random.nextInt(depth > 0 ? 6 : 4)) {
      case 0:
        return new JsonPrimitive(random.nextLong());
      case 1:
        return new JsonPrimitive("v" + random.nextInt());
      case 2:
        return new JsonPrimitive(random.nextBoolean());
      case 3:
        return JsonNull.INSTANCE;
      case 4:
        JsonObject object = new JsonObject();
        object.add("nested", randomValue(random, depth - 1));
        return object;
      default:
        JsonArray array = new JsonArray();
        array.add(randomValue(random, depth - 1));
        array.add(randomValue(random, depth - 1));
        return array;
    }
  }

  private static Envelope randomClientFrame(Random random) {
    Envelope.Builder envelope = Envelope.newBuilder().setRequestId(random.nextInt(1000));
    String room = "room-" + random.nextInt(5);
    switch (random.nextInt(7)) {
      case 0 ->
          envelope.setConnect(
              Connect.newBuilder()
                  .setProtocolVersion(1)
                  .setToken("t" + random.nextInt())
                  .addResume(RoomPosition.newBuilder().setRoom(room).setLastSeq(random.nextInt(9)))
                  .addResume(RoomPosition.newBuilder().setRoom("other").setLastSeq(3)));
      case 1 -> envelope.setJoin(Join.newBuilder().setRoom(room));
      case 2 ->
          envelope.setSend(
              Send.newBuilder()
                  .setRoom(room)
                  .setClientMessageId("c" + random.nextInt(100))
                  .setText("hello " + random.nextInt()));
      case 3 ->
          envelope.setHistoryRequest(
              HistoryRequest.newBuilder()
                  .setRoom(room)
                  .setFromSeq(random.nextInt(100))
                  .setDirection(random.nextBoolean() ? Direction.FORWARD : Direction.BACKWARD)
                  .setLimit(random.nextInt(300)));
      case 4 ->
          envelope.setTyping(Typing.newBuilder().setRoom(room).setActive(random.nextBoolean()));
      case 5 ->
          envelope.setReadReceipt(ReadReceipt.newBuilder().setRoom(room).setSeq(random.nextInt(9)));
      default -> envelope.setPing(Ping.newBuilder().setNonce(random.nextLong()));
    }
    return envelope.build();
  }
}
