package dev.parley.chat.examples.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's hooks sample runs and does what the README says. */
class HooksSampleIT {
  @Test
  void hooksRejectRewriteAndThePublishIsStored() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      HooksSample.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("Refused (REJECTED): links are not allowed in general")
        .contains("Published as message 2")
        .contains("1 alice: d**n, it works")
        .contains("2 system: Maintenance at 22:00 UTC")
        .doesNotContain("example.com");
  }
}
