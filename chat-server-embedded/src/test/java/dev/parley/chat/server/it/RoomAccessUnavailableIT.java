package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.protocol.internal.Envelope;
import dev.parley.chat.protocol.internal.Join;
import dev.parley.chat.spi.MemberAccess;
import dev.parley.chat.spi.RoomAccessStore;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An access store that cannot be read: joins that need it are refused with {@code UNAVAILABLE}
 * (retryable), nothing else happens, and direct rooms, which never ask it, still work.
 */
class RoomAccessUnavailableIT {
  /** Fails every call. */
  static final class BrokenStore implements RoomAccessStore {
    private static <T> CompletionStage<T> fail() {
      return CompletableFuture.failedFuture(new IllegalStateException("database down"));
    }

    @Override
    public CompletionStage<Boolean> create(RoomId room, RoomVisibility v, UserId owner) {
      return fail();
    }

    @Override
    public CompletionStage<Optional<MemberAccess>> access(RoomId room, UserId user) {
      return fail();
    }

    @Override
    public CompletionStage<Boolean> setVisibility(RoomId room, RoomVisibility visibility) {
      return fail();
    }

    @Override
    public CompletionStage<RoleChange> setRole(RoomId room, UserId user, RoomRole role) {
      return fail();
    }

    @Override
    public CompletionStage<Boolean> restrict(
        RoomId room, UserId user, Restriction kind, Instant until, String reason) {
      return fail();
    }

    @Override
    public CompletionStage<Boolean> lift(RoomId room, UserId user, Restriction kind) {
      return fail();
    }

    @Override
    public void close() {}
  }

  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture(b -> b.roomAccessStore(new BrokenStore()));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aJoinThatCannotBeCheckedIsRefusedAsRetryable() throws Exception {
    try (WirePeer bob = WirePeer.connect(fixture.server, "bob", false)) {
      Envelope refused =
          bob.request(Envelope.newBuilder().setJoin(Join.newBuilder().setRoom("hall")));
      assertThat(refused.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE.code());
      assertThat(refused.getError().getRetryable()).isTrue();
      Envelope direct =
          bob.request(Envelope.newBuilder().setJoin(Join.newBuilder().setRoom("dm:alice:bob")));
      assertThat(direct.hasJoined()).as("%s", direct).isTrue();
      assertThat(bob.pushed).isEmpty();
    }
  }
}
