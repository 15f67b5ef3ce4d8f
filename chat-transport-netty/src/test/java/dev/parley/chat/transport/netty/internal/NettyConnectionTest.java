package dev.parley.chat.transport.netty.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The connection's pure helpers: close codes, close reasons, frame sizes. */
class NettyConnectionTest {

  @Test
  void onlyCodesAnEndpointMaySendAreSendable() {
    for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1009, 1011, 1014, 3000, 4003, 4999}) {
      assertThat(NettyConnection.isSendableCloseCode(code)).as("%d", code).isTrue();
    }
    for (int code : new int[] {-1, 0, 999, 1004, 1005, 1006, 1015, 2999, 5000}) {
      assertThat(NettyConnection.isSendableCloseCode(code)).as("%d", code).isFalse();
    }
  }

  @Test
  void reasonsAreCutToWholeCharactersWithinTheByteLimit() {
    assertThat(NettyConnection.truncateUtf8("short", 123)).isEqualTo("short");
    String clefs = "𝄞".repeat(40); // 4 bytes each
    String cut = NettyConnection.truncateUtf8(clefs, 123);
    assertThat(cut).isEqualTo("𝄞".repeat(30));
    String mixed = "a".repeat(121) + "é" + "b";
    assertThat(NettyConnection.truncateUtf8(mixed, 123)).isEqualTo("a".repeat(121) + "é");
    assertThat(NettyConnection.truncateUtf8("é".repeat(100), 123).getBytes(StandardCharsets.UTF_8))
        .hasSize(122);
  }

  @Test
  void wireSizeCountsTheUnmaskedHeader() {
    assertThat(NettyConnection.wireSize(0)).isEqualTo(2);
    assertThat(NettyConnection.wireSize(125)).isEqualTo(127);
    assertThat(NettyConnection.wireSize(126)).isEqualTo(130);
    assertThat(NettyConnection.wireSize(65_535)).isEqualTo(65_539);
    assertThat(NettyConnection.wireSize(65_536)).isEqualTo(65_546);
  }
}
