package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.RoomRole;
import dev.parley.chat.api.RoomVisibility;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.InvitedEvent;
import dev.parley.chat.client.RoomHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java client's side of rooms' access: create, invite, mute, ban, roles, as futures. */
class ModerationClientIT {
  private static final RoomId CLUB = RoomId.of("club");
  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new Fixture();
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  /** A recording listener that also keeps invitations. */
  static final class Listener extends RecordingListener {
    final List<InvitedEvent> invitations = new CopyOnWriteArrayList<>();

    @Override
    public void onInvited(ChatSession session, InvitedEvent event) {
      invitations.add(event);
    }
  }

  @Test
  void anOwnerInvitesMutesAndBansThroughTheirHandle() throws Exception {
    Listener aliceEvents = new Listener();
    Listener bobEvents = new Listener();
    ChatSession alice = fixture.connect("alice", aliceEvents);
    ChatSession bob = fixture.connect("bob", bobEvents);

    alice.createRoom(CLUB, RoomVisibility.PRIVATE).get(10, TimeUnit.SECONDS);
    assertThat(code(alice.createRoom(CLUB, RoomVisibility.PUBLIC)))
        .isEqualTo(ErrorCode.ALREADY_EXISTS);
    RoomHandle club = alice.join(CLUB).get(10, TimeUnit.SECONDS);
    assertThat(club.role()).isEqualTo(RoomRole.OWNER);
    assertThat(club.visibility()).isEqualTo(RoomVisibility.PRIVATE);
    assertThat(code(bob.join(CLUB))).isEqualTo(ErrorCode.FORBIDDEN);

    club.invite(UserId.of("bob"), RoomRole.MEMBER).get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !bobEvents.invitations.isEmpty());
    InvitedEvent invited = bobEvents.invitations.get(0);
    assertThat(invited.room()).isEqualTo(CLUB);
    assertThat(invited.by()).contains(UserId.of("alice"));
    RoomHandle bobsClub = bob.join(CLUB).get(10, TimeUnit.SECONDS);
    assertThat(bobsClub.role()).isEqualTo(RoomRole.MEMBER);

    club.mute(UserId.of("bob"), Duration.ofMinutes(5)).get(10, TimeUnit.SECONDS);
    assertThat(code(bobsClub.send("hello"))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(bobsClub.ban(UserId.of("alice"), Duration.ofMinutes(1), "no")))
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThatThrownBy(() -> club.ban(UserId.of("bob"), Duration.ofSeconds(-1), "x"))
        .isInstanceOf(IllegalArgumentException.class);
    club.unmute(UserId.of("bob")).get(10, TimeUnit.SECONDS);
    assertThat(bobsClub.send("hello").get(10, TimeUnit.SECONDS).seq()).isEqualTo(1);

    club.ban(UserId.of("bob"), Duration.ofMinutes(5), "spam").get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> !bobEvents.removals.isEmpty());
    assertThat(bobEvents.removals.get(0).event().reason()).contains("banned").endsWith("spam");
    assertThat(bobsClub.isJoined()).isFalse();
    assertThat(code(bob.join(CLUB))).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(code(club.setRole(UserId.of("alice"), RoomRole.MEMBER)))
        .isEqualTo(ErrorCode.FORBIDDEN);
  }

  private static ErrorCode code(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ChatException.class);
      return ((ChatException) e.getCause()).code();
    }
    throw new AssertionError("succeeded");
  }
}
