package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.EnvelopeCodec;
import dev.parley.chat.protocol.internal.JsonFrameCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Batching, numbering, repeats and bounds of the SSE transport's outbound side, in memory. */
class SsePostQueueTest {
  private static String ping(long nonce) {
    return JsonFrameCodec.encode(EnvelopeCodec.ping(nonce, nonce));
  }

  private static List<Long> nonces(SsePostQueue.Batch batch) throws Exception {
    JsonElement body = JsonParser.parseString(new String(batch.body(), StandardCharsets.UTF_8));
    List<Long> nonces = new ArrayList<>();
    if (body.isJsonArray()) {
      JsonArray array = body.getAsJsonArray();
      for (JsonElement frame : array) {
        nonces.add(JsonFrameCodec.decode(frame.toString()).getPing().getNonce());
      }
    } else {
      nonces.add(JsonFrameCodec.decode(body.toString()).getPing().getNonce());
    }
    return nonces;
  }

  @Test
  void oneFrameIsPostedAsOneEnvelopeNumberedOne() throws Exception {
    SsePostQueue queue = new SsePostQueue(100, 1 << 20);
    queue.offer(ping(7), 10);

    SsePostQueue.Batch batch = queue.next();

    assertThat(batch.seq()).isEqualTo(1);
    Envelope envelope = JsonFrameCodec.decode(new String(batch.body(), StandardCharsets.UTF_8));
    assertThat(envelope.getPing().getNonce()).isEqualTo(7);
    assertThat(queue.bufferedBytes()).isEqualTo(10);
  }

  @Test
  void anUnansweredBatchIsHandedOutAgainUnchangedUntilAcknowledged() throws Exception {
    SsePostQueue queue = new SsePostQueue(100, 1 << 20);
    queue.offer(ping(1), 10);
    queue.offer(ping(2), 10);
    SsePostQueue.Batch first = queue.next();
    queue.offer(ping(3), 10);

    SsePostQueue.Batch again = queue.next();
    assertThat(again).isSameAs(first);
    assertThat(nonces(again)).containsExactly(1L, 2L);
    assertThat(queue.bufferedBytes()).isEqualTo(30);

    queue.acknowledged();
    SsePostQueue.Batch second = queue.next();
    assertThat(second.seq()).isEqualTo(2);
    assertThat(nonces(second)).containsExactly(3L);
    queue.acknowledged();
    assertThat(queue.next()).isNull();
    assertThat(queue.bufferedBytes()).isZero();
    assertThatThrownBy(queue::acknowledged).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesFramesPastEitherBound() {
    SsePostQueue byCount = new SsePostQueue(2, 1 << 20);
    assertThat(byCount.offer(ping(1), 1)).isTrue();
    assertThat(byCount.offer(ping(2), 1)).isTrue();
    assertThat(byCount.offer(ping(3), 1)).isFalse();

    SsePostQueue byBytes = new SsePostQueue(100, 100);
    assertThat(byBytes.offer(ping(1), 60)).isTrue();
    assertThat(byBytes.offer(ping(2), 60)).isFalse();
    assertThat(byBytes.bufferedBytes()).isEqualTo(60);
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 30);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void batchesKeepOrderAndStayWithinTheLimits(long seed) throws Exception {
    Random random = new Random(seed);
    SsePostQueue queue = new SsePostQueue(100_000, 1L << 40);
    List<Long> sent = new ArrayList<>();
    List<Long> posted = new ArrayList<>();
    long expectedSeq = 1;
    long nonce = 0;
    for (int round = 0; round < 50; round++) {
      int add = random.nextInt(150);
      for (int i = 0; i < add; i++) {
        // some frames large enough that a batch fills its bytes before its 64 frames
        String frame =
            random.nextInt(10) == 0
                ? JsonFrameCodec.encode(
                    EnvelopeCodec.reauthenticate(++nonce, "t".repeat(4_000 + random.nextInt(4_000)))
                        .toBuilder()
                        .setPing(
                            dev.parley.chat.protocol.internal.Ping.newBuilder().setNonce(nonce))
                        .build())
                : ping(++nonce);
        queue.offer(frame, 1);
        sent.add(nonce);
      }
      SsePostQueue.Batch batch;
      while ((batch = queue.next()) != null) {
        assertThat(batch.seq()).isEqualTo(expectedSeq++);
        assertThat(batch.frames()).isBetween(1, SsePostQueue.MAX_BATCH_FRAMES);
        assertThat(batch.body().length).isLessThanOrEqualTo(SsePostQueue.MAX_BATCH_BYTES);
        List<Long> inBatch = nonces(batch);
        assertThat(inBatch).hasSize(batch.frames());
        posted.addAll(inBatch);
        if (random.nextInt(4) == 0) {
          assertThat(queue.next()).isSameAs(batch); // lost answer: same again
        }
        queue.acknowledged();
        if (random.nextInt(3) == 0) {
          break;
        }
      }
    }
    SsePostQueue.Batch rest;
    while ((rest = queue.next()) != null) {
      posted.addAll(nonces(rest));
      queue.acknowledged();
    }
    assertThat(posted).containsExactlyElementsOf(sent);
    assertThat(queue.bufferedBytes()).isZero();
  }
}
