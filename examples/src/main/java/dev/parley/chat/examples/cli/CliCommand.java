package dev.parley.chat.examples.cli;

import dev.parley.chat.api.RoomId;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/** One line typed into the command-line client, parsed. Immutable. */
sealed interface CliCommand {
  /** Most messages {@code /history} asks for at once; the server's page size. */
  int MAX_HISTORY = 200;

  /** Messages {@code /history} shows when no count is given. */
  int DEFAULT_HISTORY = 20;

  /** The help text {@code /help} prints. */
  String HELP =
      String.join(
          System.lineSeparator(),
          "  /join <room>    join a room (created on first join) and talk there",
          "  /leave          leave the current room",
          "  /who            who is online in the current room",
          "  /history [n]    the last n messages of the current room (default "
              + DEFAULT_HISTORY
              + ", at most "
              + MAX_HISTORY
              + ")",
          "  /send-file <path> [text]",
          "                  upload a file and send it to the current room, with text if given",
          "                  (a path with spaces goes in double quotes)",
          "  /quit           leave the chat (Ctrl-D works too)",
          "  anything else   is sent to the current room");

  /** {@code /join <room>}. */
  record Join(RoomId room) implements CliCommand {}

  /** {@code /leave}. */
  record Leave() implements CliCommand {}

  /** {@code /who}. */
  record Who() implements CliCommand {}

  /** {@code /history [n]}. */
  record History(int count) implements CliCommand {}

  /** {@code /send-file <path> [text]}. */
  record SendFile(Path file, String text) implements CliCommand {}

  /** {@code /quit}. */
  record Quit() implements CliCommand {}

  /** {@code /help}. */
  record Help() implements CliCommand {}

  /** Text to send to the current room. */
  record Say(String text) implements CliCommand {}

  /** A blank line: nothing to do. */
  record Nothing() implements CliCommand {}

  /** A line that looked like a command but was not a valid one. */
  record Invalid(String problem) implements CliCommand {}

  /**
   * Parses one input line. Lines starting with {@code /} are commands; {@code //text} sends
   * "/text". Any other non-blank line is a message.
   */
  static CliCommand parse(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return new Nothing();
    }
    if (!trimmed.startsWith("/")) {
      return new Say(trimmed);
    }
    if (trimmed.startsWith("//")) {
      return new Say(trimmed.substring(1));
    }
    String[] words = trimmed.split("\\s+");
    return switch (words[0].toLowerCase(Locale.ROOT)) {
      case "/join" -> join(words);
      case "/leave" -> words.length == 1 ? new Leave() : new Invalid("usage: /leave");
      case "/who" -> words.length == 1 ? new Who() : new Invalid("usage: /who");
      case "/history" -> history(words);
      case "/send-file" -> sendFile(trimmed.substring(words[0].length()).strip());
      case "/quit", "/exit" -> new Quit();
      case "/help" -> new Help();
      default -> new Invalid("unknown command " + words[0] + "; /help lists them");
    };
  }

  private static CliCommand join(String[] words) {
    if (words.length != 2) {
      return new Invalid("usage: /join <room>");
    }
    try {
      return new Join(RoomId.of(words[1]));
    } catch (IllegalArgumentException e) {
      return new Invalid(e.getMessage());
    }
  }

  private static CliCommand sendFile(String arguments) {
    String usage = "usage: /send-file <path> [text]";
    if (arguments.isEmpty()) {
      return new Invalid(usage);
    }
    String path;
    String text;
    if (arguments.startsWith("\"")) {
      int end = arguments.indexOf('"', 1);
      if (end < 0) {
        return new Invalid(usage + " (the quoted path has no closing quote)");
      }
      path = arguments.substring(1, end);
      text = arguments.substring(end + 1).strip();
    } else {
      String[] parts = arguments.split("\\s+", 2);
      path = parts[0];
      text = parts.length == 2 ? parts[1] : "";
    }
    if (path.isEmpty()) {
      return new Invalid(usage);
    }
    try {
      return new SendFile(Path.of(path), text);
    } catch (InvalidPathException e) {
      return new Invalid("not a path: " + e.getMessage());
    }
  }

  private static CliCommand history(String[] words) {
    if (words.length == 1) {
      return new History(DEFAULT_HISTORY);
    }
    if (words.length == 2) {
      try {
        int count = Integer.parseInt(words[1]);
        if (count >= 1 && count <= MAX_HISTORY) {
          return new History(count);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    return new Invalid("usage: /history [n], with n from 1 to " + MAX_HISTORY);
  }
}
