package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The demo's TLS option, parsed without starting anything. */
class DemoServerOptionsTest {
  @Test
  void tlsIsOffUnlessAskedForAndTakesTwoFiles() throws Exception {
    DemoServer plain = new DemoServer();
    new CommandLine(plain).parseArgs();
    assertThat(tlsOf(plain)).isNull();

    DemoServer secure = new DemoServer();
    new CommandLine(secure).parseArgs("--tls", "chain.pem", "key.pem");
    assertThat(tlsOf(secure)).containsExactly(Path.of("chain.pem"), Path.of("key.pem"));
  }

  @Test
  void oneFileIsNotEnough() {
    StringWriter errors = new StringWriter();
    int exit =
        new CommandLine(new DemoServer())
            .setErr(new PrintWriter(errors))
            .execute("--tls", "chain.pem");
    assertThat(exit).isNotZero();
    assertThat(errors.toString()).contains("--tls");
  }

  private static Path[] tlsOf(DemoServer demo) throws Exception {
    var field = DemoServer.class.getDeclaredField("tls");
    field.setAccessible(true);
    return (Path[]) field.get(demo);
  }
}
