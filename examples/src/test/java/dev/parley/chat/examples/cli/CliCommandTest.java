package dev.parley.chat.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.api.RoomId;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CliCommandTest {
  @Test
  void plainTextIsSaidInTheCurrentRoom() {
    assertThat(CliCommand.parse("  hello there  ")).isEqualTo(new CliCommand.Say("hello there"));
    assertThat(CliCommand.parse("don't panic!")).isEqualTo(new CliCommand.Say("don't panic!"));
  }

  @Test
  void aDoubleSlashSendsTextThatStartsWithASlash() {
    assertThat(CliCommand.parse("//shrug")).isEqualTo(new CliCommand.Say("/shrug"));
  }

  @Test
  void blankLinesDoNothing() {
    assertThat(CliCommand.parse("   ")).isEqualTo(new CliCommand.Nothing());
  }

  @Test
  void parsesEveryCommand() {
    assertThat(CliCommand.parse("/join random"))
        .isEqualTo(new CliCommand.Join(RoomId.of("random")));
    assertThat(CliCommand.parse("/JOIN  dm:alice:bob"))
        .isEqualTo(new CliCommand.Join(RoomId.of("dm:alice:bob")));
    assertThat(CliCommand.parse("/leave")).isEqualTo(new CliCommand.Leave());
    assertThat(CliCommand.parse("/who")).isEqualTo(new CliCommand.Who());
    assertThat(CliCommand.parse("/history"))
        .isEqualTo(new CliCommand.History(CliCommand.DEFAULT_HISTORY));
    assertThat(CliCommand.parse("/history 5")).isEqualTo(new CliCommand.History(5));
    assertThat(CliCommand.parse("/quit")).isEqualTo(new CliCommand.Quit());
    assertThat(CliCommand.parse("/exit")).isEqualTo(new CliCommand.Quit());
    assertThat(CliCommand.parse("/help")).isEqualTo(new CliCommand.Help());
  }

  @Test
  void explainsWhatIsWrongWithABadCommand() {
    assertThat(CliCommand.parse("/join")).isEqualTo(new CliCommand.Invalid("usage: /join <room>"));
    assertThat(CliCommand.parse("/join a b")).isInstanceOf(CliCommand.Invalid.class);
    assertThat(CliCommand.parse("/join bad/room"))
        .isInstanceOfSatisfying(
            CliCommand.Invalid.class, i -> assertThat(i.problem()).contains("'/'"));
    assertThat(CliCommand.parse("/history 0")).isInstanceOf(CliCommand.Invalid.class);
    assertThat(CliCommand.parse("/history 201")).isInstanceOf(CliCommand.Invalid.class);
    assertThat(CliCommand.parse("/history many")).isInstanceOf(CliCommand.Invalid.class);
    assertThat(CliCommand.parse("/leave now")).isInstanceOf(CliCommand.Invalid.class);
    assertThat(CliCommand.parse("/dance"))
        .isEqualTo(new CliCommand.Invalid("unknown command /dance; /help lists them"));
  }

  @Test
  void sendFileTakesAPathOptionallyQuotedAndTheRestAsText() {
    assertThat(CliCommand.parse("/send-file cat.png"))
        .isEqualTo(new CliCommand.SendFile(Path.of("cat.png"), ""));
    assertThat(CliCommand.parse("/send-file /tmp/cat.png look at  this"))
        .isEqualTo(new CliCommand.SendFile(Path.of("/tmp/cat.png"), "look at  this"));
    assertThat(CliCommand.parse("/send-file \"my cat.png\" hi"))
        .isEqualTo(new CliCommand.SendFile(Path.of("my cat.png"), "hi"));
    assertThat(CliCommand.parse("/send-file"))
        .isEqualTo(new CliCommand.Invalid("usage: /send-file <path> [text]"));
    assertThat(CliCommand.parse("/send-file \"open"))
        .isEqualTo(
            new CliCommand.Invalid(
                "usage: /send-file <path> [text] (the quoted path has no closing quote)"));
    assertThat(CliCommand.parse("/send-file \"\" text"))
        .isEqualTo(new CliCommand.Invalid("usage: /send-file <path> [text]"));
  }
}
