package dev.parley.chat.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.internal.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The listener's queue is bounded: a listener more than {@code maxPendingCallbacks} events behind
 * makes the session stop reading (it drops the connection) instead of buffering without end; once
 * reconnected it resumes from the last message it queued, so nothing is lost or repeated.
 */
class SlowListenerTest {
  private final List<Runnable> parked = new ArrayList<>();

  private void runParked() {
    while (!parked.isEmpty()) {
      List<Runnable> batch = new ArrayList<>(parked);
      parked.clear();
      batch.forEach(Runnable::run);
    }
  }

  @Test
  void aListenerTooFarBehindPausesReadingAndNothingIsLost() {
    ClientHarness harness =
        new ClientHarness(
            b -> b.callbackExecutor(parked::add),
            new RecordingListener(),
            config -> config.withMaxPendingCallbacks(5));
    CompletableFuture<ChatSession> connecting = harness.connect();
    ScriptedTransport.Server server = harness.transport.accept();
    server.welcome("alice");
    runParked();
    ChatSession session = connecting.join();
    harness.listener.nextState(ChatSession.State.CONNECTED);
    CompletableFuture<RoomHandle> joining = session.join(RoomId.of("general"));
    Envelope join = server.next(Envelope.BodyCase.JOIN);
    server.send(Frames.joinedReply(join.getRequestId(), Frames.joined("general", 0, 0)));
    runParked();
    assertThat(joining).isCompleted();

    for (long seq = 1; seq <= 8; seq++) {
      server.send(Frames.live("general", seq));
    }

    assertThat(server.aborted).as("reading stopped: the connection was dropped").isTrue();
    runParked();
    for (long seq = 1; seq <= 6; seq++) {
      harness.listener.nextMessage("general", seq);
    }
    harness.listener.nextState(ChatSession.State.RECONNECTING);

    harness.scheduler.advance(Duration.ofSeconds(1));
    ScriptedTransport.Server again = harness.transport.accept();
    Envelope connect = again.welcome("alice", Frames.joined("general", 8, 1));
    assertThat(connect.getConnect().getResume(0).getLastSeq()).isEqualTo(6);
    Envelope fill = again.next(Envelope.BodyCase.HISTORY_REQUEST);
    again.send(Frames.page(fill.getRequestId(), "general", 1, 8, 7, 8));
    runParked();
    harness.listener.nextState(ChatSession.State.CONNECTED);
    harness.listener.nextMessage("general", 7);
    harness.listener.nextMessage("general", 8);
    harness.listener.assertExhausted();
    harness.close();
  }
}
