package dev.parley.chat.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.api.Attachment;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.client.TypingEvent;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.testkit.time.MutableClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command-line client against a real server over real sockets, typed into through a JLine
 * terminal on streams whose output is played on a screen emulator: what the user sees and what the
 * other members of the room receive.
 */
class ChatCliIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final RoomId GENERAL = RoomId.of("general");
  private static final String PROMPT = "[general] bob> ";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
  private final RecordingChatListener alicesEvents = new RecordingChatListener();
  private ChatServer server;
  private ChatClient alicesApp;
  private RoomHandle alicesRoom;
  private VirtualTerminal terminal;
  private CompletableFuture<Integer> cli;

  @TempDir Path dir;
  private FileSystemBlobStore blobs;

  @BeforeEach
  void start() throws Exception {
    blobs = FileSystemBlobStore.open(dir.resolve("blobs"));
    server =
        ChatServer.builder()
            .port(0)
            .httpPort(0)
            .authenticator(DevelopmentAuthenticator.ANY_NICKNAME)
            .attachments(
                AttachmentOptions.builder(blobs).stagingDirectory(dir.resolve("staging")).build())
            .build()
            .start();
    alicesApp = ChatClient.builder().endpoint(server.webSocketUri()).build();
    ChatSession alice = alicesApp.connect("alice", alicesEvents).get(20, TimeUnit.SECONDS);
    alicesRoom = alice.join(GENERAL).get(20, TimeUnit.SECONDS);

    terminal = new VirtualTerminal();
    ChatCli bob = new ChatCli();
    new CommandLine(bob)
        .parseArgs(
            "--url",
            server.webSocketUri().toString(),
            "--http-url",
            httpSide().toString(),
            "--user",
            "bob");
    cli = new CompletableFuture<>();
    Thread input =
        new Thread(
            () -> {
              try {
                cli.complete(bob.run(terminal.terminal(), clock, ZoneOffset.UTC));
              } catch (Throwable e) {
                cli.completeExceptionally(e);
              }
            },
            "chat-cli-under-test");
    input.setDaemon(true);
    input.start();
    awaitScreen(PROMPT.strip());
    await().atMost(WAIT).until(() -> alicesRoom.onlineMembers().contains(UserId.of("bob")));
  }

  @AfterEach
  void stop() throws Exception {
    terminal.close(); // ends the input: the client closes its session and returns
    await().atMost(WAIT).until(cli::isDone);
    alicesApp.close();
    server.close();
    blobs.close();
  }

  private URI httpSide() {
    return server.httpUri().orElseThrow().resolve("/chat");
  }

  @Test
  void sendFileUploadsTheFileAndTheRoomGetsItWithTheTextAndALink() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "meeting at noon");

    terminal.type("/send-file " + file + " the notes\r");

    await().atMost(WAIT).until(() -> alicesEvents.texts().contains("the notes"));
    ChatMessage received = alicesEvents.messages().get(0);
    assertThat(received.attachments()).hasSize(1);
    Attachment attachment = received.attachments().get(0);
    assertThat(attachment.name()).isEqualTo("notes.txt");
    assertThat(attachment.size()).isEqualTo(15);
    awaitScreen("<bob> the notes");
    // The link is absolute, on the HTTP side; the screen wraps its long signature.
    awaitScreen(
        "[file] notes.txt (15 B, "
            + attachment.contentType()
            + ") "
            + httpSide().resolve("/chat/files/"));
  }

  @Test
  void aFileThatCannotBeReadIsReportedAndTheChatGoesOn() throws Exception {
    terminal.type("/send-file " + dir.resolve("absent.txt") + "\r");
    awaitScreen("absent.txt not sent: INVALID_ARGUMENT: cannot read 'absent.txt'");
    terminal.type("still here\r");
    await().atMost(WAIT).until(() -> alicesEvents.texts().contains("still here"));
  }

  @Test
  void aLineTypedIsSentAndShownOnceWhenTheServerDeliversIt() throws Exception {
    terminal.type("hello alice\r");

    await().atMost(WAIT).until(() -> alicesEvents.texts().contains("hello alice"));
    awaitScreen("<bob> hello alice");
    assertThat(terminal.linesContaining("hello alice")).as(terminal.dump()).isEqualTo(1);

    alicesRoom.send("hi bob").get(20, TimeUnit.SECONDS);
    awaitScreen("<alice> hi bob");
    assertThat(terminal.lines()).as(terminal.dump()).contains(PROMPT.strip());
  }

  @Test
  void ctrlCClearsTheHalfTypedLineAndTheChatGoesOn() throws Exception {
    terminal.type("half a thought");
    awaitScreen(PROMPT + "half a thought");

    terminal.type("\u0003");
    // As in a shell: the line is abandoned and a fresh, empty prompt waits below it.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(terminal.lastLine()).as(terminal.dump()).isEqualTo(PROMPT.strip()));
    assertThat(cli).isNotDone();

    terminal.type("second thought\r");
    await().atMost(WAIT).until(() -> !alicesEvents.texts().isEmpty());
    assertThat(alicesEvents.texts()).containsExactly("second thought");
    awaitScreen("<bob> second thought");
  }

  @Test
  void ctrlCOnAnEmptyLineSaysHowToLeave() throws Exception {
    terminal.type("\u0003");
    awaitScreen("* /quit or Ctrl-D leaves the chat");
    assertThat(cli).isNotDone();
    terminal.type("still here\r");
    await().atMost(WAIT).until(() -> alicesEvents.texts().contains("still here"));
  }

  @Test
  void ctrlDOnAnEmptyLineLeavesAfterTheMessagesAreConfirmed() throws Exception {
    terminal.type("bye\r\u0004");

    assertThat(cli.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(alicesEvents.texts()).containsExactly("bye");
    await().atMost(WAIT).until(() -> !alicesRoom.onlineMembers().contains(UserId.of("bob")));
  }

  @Test
  void quitLeaves() throws Exception {
    terminal.type("/quit\r");
    assertThat(cli.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
  }

  @Test
  void showsWhoElseIsTypingUntilItExpires() {
    assertThat(alicesRoom.typing(true)).isTrue();
    awaitScreen("(alice is typing)");

    clock.advance(TypingIndicator.EXPIRY.plusSeconds(1));
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(terminal.linesContaining("alice is typing")).isZero());
  }

  @Test
  void typingAMessageTellsTheRoomAtMostEveryFewSecondsAndSendingEndsIt() throws Exception {
    terminal.type("h");
    await().atMost(WAIT).until(() -> !alicesEvents.events().isEmpty());
    terminal.type("el");
    awaitScreen(PROMPT + "hel");
    clock.advance(TypingSignal.REFRESH);
    terminal.type("lo");
    awaitScreen(PROMPT + "hello");
    terminal.type("\r");

    await().atMost(WAIT).until(() -> alicesEvents.texts().contains("hello"));
    UserId bob = UserId.of("bob");
    assertThat(alicesEvents.events())
        .startsWith(
            new TypingEvent(GENERAL, bob, true),
            new TypingEvent(GENERAL, bob, true),
            new TypingEvent(GENERAL, bob, false));
    assertThat(alicesEvents.events()).hasSize(4);
  }

  @Test
  void commandsAreNotTyping() throws Exception {
    terminal.type("/who\r");
    awaitScreen("* online in general: [alice, bob]");
    terminal.type("ok\r");

    await().atMost(WAIT).until(() -> alicesEvents.texts().contains("ok"));
    UserId bob = UserId.of("bob");
    assertThat(alicesEvents.events())
        .startsWith(new TypingEvent(GENERAL, bob, true), new TypingEvent(GENERAL, bob, false))
        .hasSize(3);
  }

  private void awaitScreen(String text) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(terminal.linesContaining(text)).as(terminal.dump()).isPositive());
  }
}
