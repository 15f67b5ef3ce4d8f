package dev.parley.chat.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.ErrorCode;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.StateChangeEvent;
import dev.parley.chat.client.TokenFailedEvent;
import dev.parley.chat.client.TokenProvider;
import dev.parley.chat.client.TokenRequest;
import dev.parley.chat.protocol.CloseCodes;
import dev.parley.chat.server.InMemoryMessageStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Credentials that expire, with the real client over real sockets: a session lives through token
 * refreshes while messages flow both ways, an expiry without refresh costs a reconnect but no
 * message, a revoked session asks its provider once more, and a provider that fails is retried.
 * Tokens live four seconds, and the server warns one second ahead.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenRefreshIT {
  private static final RoomId ROOM = RoomId.of("general");
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TokenIssuer issuer = new TokenIssuer();
  private Fixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture =
        new Fixture(
            b ->
                b.authenticator(issuer)
                    .tokenExpiryLead(Duration.ofSeconds(1))
                    // the senders go as fast as acks come; this test is not about the rate limit
                    .requestRate(5_000, 10_000)
                    .messageStore(new InMemoryMessageStore(100_000)));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aSessionLivesThroughThreeRefreshesWhileMessagesFlowBothWays() throws Exception {
    AskingProvider tokens = new AskingProvider(r -> done(issuer.issue("alice", secs(4))));
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    // bob first: the process's first connection warms the client up, which on a busy machine can
    // take longer than alice's tokens live
    ChatSession bob = connect(TokenProvider.fixed(issuer.permanent("bob")), bobEvents);
    ChatSession alice = connect(tokens, aliceEvents);
    String sessionId = only(fixture.server.rooms().sessionsOf(UserId.of("alice")));
    RoomHandle aliceRoom = alice.join(ROOM).get(10, TimeUnit.SECONDS);
    RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);

    int rounds =
        exchangeUntil(
            aliceRoom, bobRoom, aliceEvents, bobEvents, () -> refreshes(aliceEvents) >= 3);

    assertThat(refreshes(aliceEvents)).isGreaterThanOrEqualTo(3);
    assertEveryMessageOnceInOrder(aliceEvents, rounds);
    assertEveryMessageOnceInOrder(bobEvents, rounds);
    assertThat(states(aliceEvents)).containsExactly(ChatSession.State.CONNECTED);
    assertThat(fixture.server.rooms().sessionsOf(UserId.of("alice"))).containsExactly(sessionId);
    assertThat(tokens.asked).startsWith(TokenRequest.Reason.CONNECT);
    assertThat(tokens.asked.subList(1, tokens.asked.size()))
        .containsOnly(TokenRequest.Reason.EXPIRING);
    assertThat(issuer.askedFor("alice")).isEqualTo(1L + refreshes(aliceEvents));
    assertThat(aliceEvents.tokenRefreshes)
        .allMatch(e -> e.expiry().isPresent(), "each fresh token's expiry is reported");
    assertThat(aliceEvents.tokenFailures).isEmpty();
    aliceEvents.assertContractKept();
    bobEvents.assertContractKept();
  }

  @Test
  void expiryWithoutRefreshClosesWith4004AndTheClientResumesWithAFreshToken() throws Exception {
    // No token for a refresh: the credentials run out, and the next connect asks again.
    AskingProvider tokens =
        new AskingProvider(
            r ->
                r == TokenRequest.Reason.EXPIRING
                    ? done(null)
                    : done(issuer.issue("alice", secs(4))));
    RecordingListener aliceEvents = new RecordingListener();
    RecordingListener bobEvents = new RecordingListener();
    // bob first: the process's first connection warms the client up, which on a busy machine can
    // take longer than alice's tokens live
    ChatSession bob = connect(TokenProvider.fixed(issuer.permanent("bob")), bobEvents);
    ChatSession alice = connect(tokens, aliceEvents);
    RoomHandle aliceRoom = alice.join(ROOM).get(10, TimeUnit.SECONDS);
    RoomHandle bobRoom = bob.join(ROOM).get(10, TimeUnit.SECONDS);

    int rounds =
        exchangeUntil(
            aliceRoom, bobRoom, aliceEvents, bobEvents, () -> resumedAfterExpiry(aliceEvents));

    assertEveryMessageOnceInOrder(aliceEvents, rounds);
    assertEveryMessageOnceInOrder(bobEvents, rounds);
    StateChangeEvent lost =
        aliceEvents.states.stream()
            .filter(s -> s.current() == ChatSession.State.RECONNECTING)
            .findFirst()
            .orElseThrow();
    assertThat(lost.reason()).contains("TOKEN_EXPIRED (4004)");
    assertThat(tokens.asked).contains(TokenRequest.Reason.EXPIRED);
    assertThat(aliceEvents.tokenFailures)
        .isNotEmpty()
        .allMatch(f -> f.reason() == TokenRequest.Reason.EXPIRING && !f.retrying(), "given up");
    assertThat(alice.state()).isEqualTo(ChatSession.State.CONNECTED);
    aliceEvents.assertContractKept();
  }

  @Test
  void aRevokedSessionWithoutAFreshTokenClosesWith4005() throws Exception {
    String token = issuer.permanent("alice");
    AskingProvider tokens =
        new AskingProvider(r -> done(r == TokenRequest.Reason.REVOKED ? null : token));
    RecordingListener events = new RecordingListener();
    ChatSession alice = connect(tokens, events);

    assertThat(fixture.server.rooms().revoke(UserId.of("alice"), "account suspended")).isEqualTo(1);

    await(() -> events.closed != null, "the session closes");
    assertThat(events.closed.code()).isEqualTo(CloseCodes.REVOKED);
    assertThat(alice.state()).isEqualTo(ChatSession.State.CLOSED);
    assertThat(tokens.asked)
        .containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.REVOKED);
    assertThat(issuer.askedFor("alice")).isEqualTo(1); // no reconnect without a token
    events.assertContractKept();
  }

  @Test
  void aRevokedSessionWithATokenReconnectsAndTheAuthenticatorDecides() throws Exception {
    RecordingListener kept = new RecordingListener();
    RecordingListener banned = new RecordingListener();
    ChatSession carol = connect(TokenProvider.fixed(issuer.permanent("carol")), kept);
    ChatSession alice = connect(TokenProvider.fixed(issuer.permanent("alice")), banned);

    // carol's revocation is lifted by her authenticator: she comes back at once
    assertThat(fixture.server.rooms().revoke(UserId.of("carol"), "sessions reset")).isEqualTo(1);
    // alice's stands: her reconnect is refused, and the session ends
    issuer.revoked.add(UserId.of("alice"));
    assertThat(fixture.server.rooms().revoke(UserId.of("alice"), "account suspended")).isEqualTo(1);

    await(() -> banned.closed != null, "alice's session closes");
    assertThat(banned.closed.code()).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    assertThat(alice.state()).isEqualTo(ChatSession.State.CLOSED);
    await(
        () ->
            states(kept)
                .equals(
                    List.of(
                        ChatSession.State.CONNECTED,
                        ChatSession.State.RECONNECTING,
                        ChatSession.State.CONNECTED)),
        "carol reconnects");
    assertThat(kept.states.get(1).reason()).contains("REVOKED (4005)");
    assertThat(carol.state()).isEqualTo(ChatSession.State.CONNECTED);
  }

  @Test
  void aProviderThatFailsIsAskedAgainUntilItAnswers() throws Exception {
    // Fails twice when connecting, and once on the first refresh.
    List<Integer> failuresLeft = new CopyOnWriteArrayList<>(List.of(1, 1, 0, 1));
    AskingProvider tokens =
        new AskingProvider(
            r -> {
              if (!failuresLeft.isEmpty() && failuresLeft.remove(0) == 1) {
                return CompletableFuture.failedFuture(new IOException("identity provider down"));
              }
              return done(issuer.issue("alice", secs(6)));
            });
    RecordingListener events = new RecordingListener();
    ChatSession alice = connect(tokens, events);

    assertThat(alice.state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(tokens.asked)
        .containsExactly(
            TokenRequest.Reason.CONNECT, TokenRequest.Reason.CONNECT, TokenRequest.Reason.CONNECT);
    await(() -> refreshes(events) >= 1, "the credentials are refreshed");

    assertThat(events.tokenFailures)
        .extracting(TokenFailedEvent::reason, TokenFailedEvent::retrying)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(TokenRequest.Reason.CONNECT, true),
            org.assertj.core.groups.Tuple.tuple(TokenRequest.Reason.CONNECT, true),
            org.assertj.core.groups.Tuple.tuple(TokenRequest.Reason.EXPIRING, true));
    assertThat(events.tokenFailures)
        .allMatch(f -> f.cause() instanceof IOException, "the provider's own exception");
    assertThat(states(events)).containsExactly(ChatSession.State.CONNECTED);
    events.assertContractKept();
  }

  @Test
  void aTokenThatExpiredBeforeTheServerCheckedItIsReplacedAndTheSessionConnects() throws Exception {
    // The first token expired on its way (a slow first connection); the next one is fresh.
    AskingProvider tokens =
        new AskingProvider(
            r ->
                done(
                    r == TokenRequest.Reason.CONNECT
                        ? issuer.issue("alice", secs(-5))
                        : issuer.issue("alice", secs(600))));
    RecordingListener events = new RecordingListener();
    ChatSession alice = connect(tokens, events);

    assertThat(alice.state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(tokens.asked)
        .containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.EXPIRED);
    assertThat(issuer.askedFor("alice")).isEqualTo(2);
    await(() -> !events.states.isEmpty(), "the state change reaches the listener");
    assertThat(states(events)).containsExactly(ChatSession.State.CONNECTED);
    assertThat(events.closed).isNull();
    events.assertContractKept();
  }

  @Test
  void anIdentityAlreadyPastItsExpiryByTheServersClockAlsoAsksForAFreshToken() throws Exception {
    issuer.leavesExpiryToTheServer = true; // the server's own check refuses it
    AskingProvider tokens =
        new AskingProvider(
            r ->
                done(
                    r == TokenRequest.Reason.CONNECT
                        ? issuer.issue("alice", secs(-5))
                        : issuer.issue("alice", secs(600))));
    ChatSession alice = connect(tokens, new RecordingListener());

    assertThat(alice.state()).isEqualTo(ChatSession.State.CONNECTED);
    assertThat(tokens.asked)
        .containsExactly(TokenRequest.Reason.CONNECT, TokenRequest.Reason.EXPIRED);
  }

  @Test
  void aFixedExpiredTokenAndAnInvalidOneEndTheSessionWithoutRetries() throws Exception {
    RecordingListener stale = new RecordingListener();
    CompletableFuture<ChatSession> fixed =
        fixture.client().connect(TokenProvider.fixed(issuer.issue("alice", secs(-5))), stale);
    assertThat(fixed)
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
    await(() -> stale.closed != null, "the fixed-token session closes");
    assertThat(stale.closed.code()).isEqualTo(CloseCodes.TOKEN_EXPIRED);
    assertThat(issuer.askedFor("alice")).as("a fixed token is not sent again").isEqualTo(1);

    AskingProvider forged = new AskingProvider(r -> done("alice.forged"));
    RecordingListener refused = new RecordingListener();
    CompletableFuture<ChatSession> invalid = fixture.client().connect(forged, refused);
    assertThat(invalid).failsWithin(WAIT);
    await(() -> refused.closed != null, "the refused session closes");
    assertThat(refused.closed.code()).isEqualTo(CloseCodes.AUTHENTICATION_FAILED);
    assertThat(forged.asked).containsExactly(TokenRequest.Reason.CONNECT);
  }

  @Test
  void aProviderWithNoTokenFailsTheFirstConnect() throws Exception {
    RecordingListener events = new RecordingListener();
    CompletableFuture<ChatSession> connecting = fixture.client().connect(r -> done(null), events);

    assertThat(connecting)
        .failsWithin(WAIT)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
    assertThat(issuer.asked).isEmpty();
  }

  // --- Helpers ---

  /** A provider that records why it was asked and answers with {@code answer}. */
  private static final class AskingProvider implements TokenProvider {
    final List<TokenRequest.Reason> asked = new CopyOnWriteArrayList<>();
    private final Function<TokenRequest.Reason, CompletionStage<String>> answer;

    AskingProvider(Function<TokenRequest.Reason, CompletionStage<String>> answer) {
      this.answer = answer;
    }

    @Override
    public CompletionStage<String> token(TokenRequest request) {
      asked.add(request.reason());
      return answer.apply(request.reason());
    }
  }

  private ChatSession connect(TokenProvider tokens, RecordingListener events) throws Exception {
    return fixture.client().connect(tokens, events).get(30, TimeUnit.SECONDS);
  }

  /**
   * Rounds of one message from alice and one from bob, each round once both saw the last, until
   * {@code done} holds; then five more. Returns the number of rounds.
   */
  private static int exchangeUntil(
      RoomHandle alice,
      RoomHandle bob,
      RecordingListener aliceEvents,
      RecordingListener bobEvents,
      BooleanSupplier done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int rounds = 0;
    int extra = 5;
    while (extra > 0) {
      if (done.getAsBoolean()) {
        extra--;
      }
      assertThat(System.nanoTime()).as("the condition held within a minute").isLessThan(deadline);
      CompletableFuture<?> a = alice.send("a-" + rounds);
      CompletableFuture<?> b = bob.send("b-" + rounds);
      a.get(30, TimeUnit.SECONDS);
      b.get(30, TimeUnit.SECONDS);
      rounds++;
      int expected = 2 * rounds;
      await(
          () ->
              aliceEvents.messages(ROOM).size() >= expected
                  && bobEvents.messages(ROOM).size() >= expected,
          "both saw round " + rounds);
    }
    return rounds;
  }

  /** Seqs 1..2n in order, each once; each sender's texts in the order they were sent. */
  private static void assertEveryMessageOnceInOrder(RecordingListener events, int rounds) {
    List<ChatMessage> got = events.awaitMessages(ROOM, 2 * rounds, WAIT);
    assertThat(got).hasSize(2 * rounds);
    List<Long> seqs = got.stream().map(ChatMessage::seq).toList();
    List<Long> expectedSeqs = new ArrayList<>();
    for (long s = 1; s <= 2L * rounds; s++) {
      expectedSeqs.add(s);
    }
    assertThat(seqs).isEqualTo(expectedSeqs);
    for (String sender : List.of("alice", "bob")) {
      List<String> texts =
          got.stream()
              .filter(m -> m.sender().value().equals(sender))
              .map(ChatMessage::text)
              .toList();
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        sent.add(sender.charAt(0) + "-" + i);
      }
      assertThat(texts).as("%s's messages", sender).isEqualTo(sent);
    }
  }

  private static boolean resumedAfterExpiry(RecordingListener events) {
    List<StateChangeEvent> states = events.states;
    for (int i = 0; i < states.size(); i++) {
      if (states.get(i).current() == ChatSession.State.RECONNECTING
          && states.get(i).reason().contains("TOKEN_EXPIRED")) {
        return states.subList(i, states.size()).stream()
            .anyMatch(s -> s.current() == ChatSession.State.CONNECTED);
      }
    }
    return false;
  }

  private static int refreshes(RecordingListener events) {
    return events.tokenRefreshes.size();
  }

  private static List<ChatSession.State> states(RecordingListener events) {
    return events.states.stream().map(StateChangeEvent::current).toList();
  }

  private static String only(java.util.Set<String> ids) {
    assertThat(ids).hasSize(1);
    return ids.iterator().next();
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  private static Duration secs(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  private static void await(BooleanSupplier condition, String what) {
    RecordingListener.await(condition, WAIT, () -> what);
  }
}
