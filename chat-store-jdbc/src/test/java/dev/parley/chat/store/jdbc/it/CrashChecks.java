package dev.parley.chat.store.jdbc.it;

import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.spi.HistorySlice;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.MessageStore.ReadDirection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What crash tests check and wait with: a member's deliveries against the store, a room's whole
 * history, waiting with a deadline, and a port that stays free while a server is down. Stateless;
 * thread-safe.
 */
public final class CrashChecks {
  /** How long a wait lasts before it is a problem. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private CrashChecks() {}

  /**
   * What one member received of one room against the store's messages of that room.
   *
   * @param stored messages in the store
   * @param received messages delivered
   * @param lost stored messages never delivered
   * @param duplicated deliveries of a seq delivered before
   * @param reordered deliveries whose seq is not the previous one plus one
   * @param wrong deliveries that differ from the stored message of that seq
   */
  public record Counts(
      int stored, int received, int lost, int duplicated, int reordered, int wrong) {
    public static Counts of(List<ChatMessage> stored, List<ChatMessage> received) {
      Map<Long, ChatMessage> bySeq = new HashMap<>();
      for (ChatMessage m : stored) {
        bySeq.put(m.seq(), m);
      }
      Set<Long> seen = new HashSet<>();
      int duplicated = 0;
      int reordered = 0;
      int wrong = 0;
      long previous = 0;
      for (ChatMessage m : received) {
        if (!seen.add(m.seq())) {
          duplicated++;
        }
        if (m.seq() != previous + 1) {
          reordered++;
        }
        previous = m.seq();
        ChatMessage s = bySeq.get(m.seq());
        if (s == null || !s.id().equals(m.id()) || !s.text().equals(m.text())) {
          wrong++;
        }
      }
      int lost = 0;
      for (ChatMessage m : stored) {
        if (!seen.contains(m.seq())) {
          lost++;
        }
      }
      return new Counts(stored.size(), received.size(), lost, duplicated, reordered, wrong);
    }

    public boolean perfect() {
      return stored == received && lost == 0 && duplicated == 0 && reordered == 0 && wrong == 0;
    }

    @Override
    public String toString() {
      return String.format(
          "%d / %d lost / %d duplicated / %d reordered (of %d stored%s)",
          received, lost, duplicated, reordered, stored, wrong == 0 ? "" : ", " + wrong + " wrong");
    }
  }

  /** The room's whole history; if the store fails, what it read before, and a problem. */
  public static List<ChatMessage> readAll(MessageStore store, RoomId room, List<String> problems)
      throws Exception {
    List<ChatMessage> all = new ArrayList<>();
    long from = 1;
    while (true) {
      HistorySlice slice;
      try {
        slice = store.read(room, from, ReadDirection.FORWARD, 1000).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        problems.add(
            "the store failed to read " + room + " from seq " + from + ": " + e.getCause());
        return all;
      }
      all.addAll(slice.messages());
      if (!slice.hasMore() || slice.messages().isEmpty()) {
        return all;
      }
      from = slice.messages().get(slice.messages().size() - 1).seq() + 1;
    }
  }

  /**
   * Waits until {@code condition} holds; if it does not within {@link #WAIT}, adds a problem and
   * returns, so that the checks still run and show what is missing.
   */
  public static void awaitOrNote(
      List<String> problems, BooleanSupplier condition, Supplier<String> what) {
    try {
      await(condition, what);
    } catch (AssertionError e) {
      problems.add(e.getMessage());
    }
  }

  /** Waits with Awaitility until {@code condition} holds; fails after {@link #WAIT}. */
  public static void await(BooleanSupplier condition, Supplier<String> what) {
    try {
      Awaitility.await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(10))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("waited " + WAIT + " in vain for " + what.get(), e);
    }
  }

  /**
   * A free loopback port below the range the system hands out for outgoing connections, so that no
   * other process's connection takes it while the server is down between a kill and its restart.
   */
  public static int freePort() throws IOException {
    int ephemeralLow = 32_768;
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.isReadable(range)) {
      ephemeralLow = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
    }
    Random random = new Random();
    for (int attempt = 0; attempt < 100 && ephemeralLow > 11_000; attempt++) {
      int port = 10_000 + random.nextInt(ephemeralLow - 10_000);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
