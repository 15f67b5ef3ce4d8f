package dev.parley.chat.examples.cli;

import dev.parley.chat.api.ChatException;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatClientBuilder;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.OutgoingMessage;
import dev.parley.chat.client.RoomHandle;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jline.reader.EndOfFileException;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A terminal chat client on {@link ChatClient}: type to talk, {@code /help} for commands. Incoming
 * messages are printed above the line being typed, which stays intact. A line sent is erased from
 * the input, so it shows once: when the server delivers it back, in the room's order. Who else is
 * typing shows at the right of the input line; while the user types a message, the room is told (at
 * most every {@link TypingSignal#REFRESH}). Ctrl-C clears the line being typed; Ctrl-D on an empty
 * line, or {@code /quit}, leaves. Input need not come from a terminal: piped lines work the same,
 * and messages still unconfirmed at the end are waited for.
 *
 * <p>{@code package} builds it as one jar: {@code java -jar examples/target/parley-cli.jar --user
 * bob} (or {@code examples/parley-cli --user bob}); give {@code --url} once per node of a cluster.
 *
 * <p>One instance runs one chat; not thread-safe. Client callbacks run on the client's callback
 * executor and only print (JLine's {@code printAbove} is thread-safe).
 */
@Command(
    name = "parley-cli",
    mixinStandardHelpOptions = true,
    versionProvider = CliVersion.class,
    description = "A terminal client for a Parley chat server.")
public final class ChatCli implements Callable<Integer> {
  private static final long WAIT_SECONDS = 15;

  @Option(
      names = "--url",
      defaultValue = "ws://localhost:7450/chat",
      description =
          "The server's WebSocket endpoint (default: ${DEFAULT-VALUE}). Repeat it for the nodes"
              + " of a cluster: the client moves to the next when one fails or stops.")
  private List<URI> urls;

  @Option(
      names = "--http-url",
      defaultValue = "http://localhost:7451/chat",
      description =
          "The server's HTTP side, where /send-file uploads go and attachment links point"
              + " (default: ${DEFAULT-VALUE}).")
  private URI httpUrl;

  @Option(
      names = "--user",
      description = "Your nickname: letters, digits, '.', '_', '-', '@'. Asked for when absent.")
  private String user;

  @Option(
      names = "--room",
      defaultValue = "general",
      description = "The room to join first (default: ${DEFAULT-VALUE}).")
  private String firstRoom;

  /** Rooms joined, in joining order; only the input thread touches it. */
  private final Map<RoomId, RoomHandle> rooms = new LinkedHashMap<>();

  /** Where typed text goes; read by the listener's thread too. */
  private volatile RoomHandle current;

  /** Sends not yet confirmed; only the input thread touches the list. */
  private final List<CompletableFuture<?>> unconfirmed = new ArrayList<>();

  private ChatConsole console;
  private PrintingListener listener;
  private TypingIndicator typingIndicator;
  private TypingSignal typingSignal;

  @Override
  public Integer call() throws Exception {
    // dumb(true): with stdin or stdout not a terminal (piped), a plain line reader, no warning.
    try (Terminal terminal =
        TerminalBuilder.builder().name("parley").system(true).dumb(true).build()) {
      return run(terminal, Clock.systemUTC(), ZoneId.systemDefault());
    }
  }

  /**
   * Runs the chat on {@code terminal} until the user quits or the input ends; the options must have
   * been parsed into this instance. Tests call it with a terminal on streams.
   *
   * @return the exit code: 0 after a normal end, 1 if the server could not be reached, 2 for bad
   *     options
   */
  int run(Terminal terminal, Clock clock, ZoneId zone) throws Exception {
    typingIndicator = new TypingIndicator(clock);
    typingSignal = new TypingSignal(clock);
    try (ChatConsole opened =
        new ChatConsole(terminal, typingIndicator, typingSignal, () -> current)) {
      console = opened;
      return chatUntilQuit(zone);
    }
  }

  private int chatUntilQuit(ZoneId zone) throws Exception {
    CliCommand first = CliCommand.parse("/join " + firstRoom);
    if (!(first instanceof CliCommand.Join)) {
      print("! --room: " + ((CliCommand.Invalid) first).problem());
      return 2;
    }
    UserId me = askForUser();
    if (me == null) {
      return 2;
    }
    listener =
        new PrintingListener(
            this::print, this::currentRoom, zone, typingIndicator, console::showTyping, httpUrl);
    ChatClientBuilder builder =
        ChatClient.builder().clientInfo("parley-cli", CliVersion.version()).httpEndpoint(httpUrl);
    urls.forEach(builder::endpoint);
    try (ChatClient client = builder.build()) {
      print(
          "* connecting to "
              + String.join(", ", urls.stream().map(URI::toString).toList())
              + " as "
              + me
              + "...");
      ChatSession session;
      try {
        session = client.connect(me.value(), listener).get(WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        print("! could not connect: " + describe(e));
        return 1;
      }
      print("* connected; /help lists the commands");
      run(session, first);
      chat(session);
      typingSignal.stopped();
      awaitUnconfirmed();
      session.close();
    }
    return 0;
  }

  /** Waits, within bounds, for the server to confirm the messages sent, so none is cut off. */
  private void awaitUnconfirmed() {
    unconfirmed.removeIf(CompletableFuture::isDone);
    if (unconfirmed.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(unconfirmed.toArray(CompletableFuture[]::new))
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // Each failed send was reported when it failed.
    } catch (TimeoutException e) {
      unconfirmed.removeIf(CompletableFuture::isDone);
      print("! " + unconfirmed.size() + " messages were not confirmed by the server");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private UserId askForUser() {
    String name = user;
    while (true) {
      if (name == null) {
        try {
          name = console.readLine("nickname: ").strip();
        } catch (UserInterruptException e) {
          continue; // Ctrl-C clears the line, as in a shell
        } catch (EndOfFileException e) {
          return null;
        }
      }
      try {
        return UserId.of(name);
      } catch (IllegalArgumentException e) {
        print("! " + e.getMessage());
        name = null;
      }
    }
  }

  /**
   * Reads and runs lines until /quit, Ctrl-D or the session closing. Ctrl-C clears the line being
   * typed, as in a shell.
   */
  private void chat(ChatSession session) {
    while (session.state() != ChatSession.State.CLOSED) {
      String line;
      try {
        line = console.readLine(prompt(session));
      } catch (UserInterruptException e) {
        typingSignal.stopped();
        if (e.getPartialLine().isBlank()) {
          print("* /quit or Ctrl-D leaves the chat");
        }
        continue;
      } catch (EndOfFileException e) {
        return;
      }
      typingSignal.stopped();
      if (!run(session, CliCommand.parse(line))) {
        return;
      }
    }
  }

  /** Runs one command; false when the user wants to quit. */
  private boolean run(ChatSession session, CliCommand command) {
    if (command instanceof CliCommand.Quit) {
      return false;
    }
    try {
      runCommand(session, command);
    } catch (ExecutionException | TimeoutException e) {
      print("! " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return true;
  }

  private void runCommand(ChatSession session, CliCommand command)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (command instanceof CliCommand.Join join) {
      RoomHandle room = await(session.join(join.room()));
      rooms.put(room.id(), room);
      current = room;
      print("* you are in " + room.id() + "; online: " + online(room));
    } else if (command instanceof CliCommand.Leave) {
      RoomHandle room = requireRoom();
      if (room != null) {
        await(room.leave());
        rooms.remove(room.id());
        current = rooms.values().stream().reduce((first, second) -> second).orElse(null);
        print("* you left " + room.id());
      }
    } else if (command instanceof CliCommand.Who) {
      RoomHandle room = requireRoom();
      if (room != null) {
        print("* online in " + room.id() + ": " + online(room));
      }
    } else if (command instanceof CliCommand.History history) {
      RoomHandle room = requireRoom();
      if (room != null) {
        List<ChatMessage> messages = await(room.history(0, history.count())).messages();
        print("* the last " + messages.size() + " messages of " + room.id() + ":");
        messages.forEach(m -> print("  " + listener.format(m)));
      }
    } else if (command instanceof CliCommand.Say say) {
      RoomHandle room = requireRoom();
      if (room != null) {
        if (session.state() != ChatSession.State.CONNECTED) {
          print("* not connected; the message goes out once reconnected");
        }
        unconfirmed.removeIf(CompletableFuture::isDone);
        CompletableFuture<?> sent = room.send(say.text());
        unconfirmed.add(sent);
        sent.whenComplete(
            (receipt, failure) -> {
              if (failure != null) {
                print("! not sent: " + describe(failure));
              }
            });
      }
    } else if (command instanceof CliCommand.SendFile sendFile) {
      RoomHandle room = requireRoom();
      if (room != null) {
        sendFile(session, room, sendFile);
      }
    } else if (command instanceof CliCommand.Help) {
      print(CliCommand.HELP);
    } else if (command instanceof CliCommand.Invalid invalid) {
      print("! " + invalid.problem());
    }
  }

  /**
   * Uploads the file in the background, then sends it with the text; the input stays free
   * meanwhile. The message shows once the server delivers it, like any other.
   */
  private void sendFile(ChatSession session, RoomHandle room, CliCommand.SendFile command) {
    print("* uploading " + command.file() + "...");
    unconfirmed.removeIf(CompletableFuture::isDone);
    // snippet:start send-file
    CompletableFuture<?> sent =
        session
            .upload(command.file())
            .thenCompose(
                uploaded ->
                    room.send(
                        OutgoingMessage.builder()
                            .text(command.text())
                            .attachment(uploaded.token())
                            .build()));
    // snippet:end send-file
    unconfirmed.add(sent);
    sent.whenComplete(
        (receipt, failure) -> {
          if (failure != null) {
            print("! " + command.file() + " not sent: " + describe(failure));
          }
        });
  }

  private RoomHandle requireRoom() {
    RoomHandle room = current;
    if (room == null) {
      print("! you are in no room; /join <room> first");
    }
    return room;
  }

  private RoomId currentRoom() {
    RoomHandle room = current;
    return room == null ? null : room.id();
  }

  private String prompt(ChatSession session) {
    RoomHandle room = current;
    return "[" + (room == null ? "no room" : room.id()) + "] " + session.user() + "> ";
  }

  private void print(String text) {
    console.print(text);
  }

  private static String online(RoomHandle room) {
    return room.onlineMembers().stream().map(UserId::value).sorted().toList().toString();
  }

  private static <T> T await(CompletableFuture<T> future)
      throws ExecutionException, TimeoutException, InterruptedException {
    return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException) {
      return "no answer within " + WAIT_SECONDS + " seconds";
    }
    if (cause instanceof ChatException chat) {
      return chat.getMessage();
    }
    return String.valueOf(cause.getMessage());
  }

  /** Runs the client; see the type's description. */
  public static void main(String[] args) {
    int exitCode = new CommandLine(new ChatCli()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
