package dev.parley.chat.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.api.ChatMessage;
import dev.parley.chat.api.RoomId;
import dev.parley.chat.api.UserId;
import dev.parley.chat.client.ChatClient;
import dev.parley.chat.client.ChatListener;
import dev.parley.chat.client.ChatSession;
import dev.parley.chat.client.MessageEvent;
import dev.parley.chat.client.RoomHandle;
import dev.parley.chat.protocol.Protocol;
import dev.parley.chat.server.AttachmentOptions;
import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.InMemoryMessageStore;
import dev.parley.chat.spi.BlobId;
import dev.parley.chat.spi.BlobInfo;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.testkit.net.ChaosProxy;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in real browsers: headless Chromium windows, each with its own fresh profile, chat
 * through a demo server on free ports.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} packages. Without them the test is
 * skipped, except when the environment variable {@code CI} is {@code true}: there it fails, so a CI
 * machine without a browser cannot pass silently.
 */
class WebPageIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration RECONNECT_WAIT = Duration.ofSeconds(60);
  private static final String INSTALL = "apt-get install chromium chromium-driver";
  private static final RoomId GENERAL = RoomId.of("general");

  private static Path chromium;
  private static Path chromedriver;

  @TempDir Path profiles;

  private final AtomicReference<URI> advertised = new AtomicReference<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final DemoLogin login = DemoLogin.generate(Clock.systemUTC());
  private ChatServer server;
  private BlobStore blobs; // null: attachments off

  @BeforeAll
  static void findChromium() {
    Optional<Path> browser = executable("PARLEY_CHROMIUM", "chromium", "chromium-browser");
    Optional<Path> driver = executable("PARLEY_CHROMEDRIVER", "chromedriver");
    if (browser.isEmpty() || driver.isEmpty()) {
      String message =
          "WebPageIT needs Chromium and its driver ("
              + (browser.isEmpty() ? "chromium" : "chromedriver")
              + " not found); install them with `"
              + INSTALL
              + "`";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + ". CI=true: a browser test must not be skipped on CI.");
      }
      Assumptions.abort("skipped: " + message);
    }
    chromium = browser.get();
    chromedriver = driver.get();
  }

  @BeforeEach
  void startServer() throws IOException {
    server =
        DemoServer.start(
            "127.0.0.1",
            0,
            0,
            new InMemoryMessageStore(),
            s -> advertised.get() != null ? advertised.get() : s.webSocketUri(),
            login);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    server.close();
    if (blobs != null) {
      blobs.close();
    }
  }

  /** Replaces the test's server with one whose attachments are stored in {@code store}. */
  private void restartWithAttachments(BlobStore store) throws IOException {
    server.close();
    blobs = store;
    server =
        DemoServer.start(
            "127.0.0.1",
            0,
            0,
            new InMemoryMessageStore(),
            ChatServer::webSocketUri,
            login,
            null,
            AttachmentOptions.builder(store).stagingDirectory(profiles.resolve("staging")).build());
  }

  @Test
  void filesGoUpAndComeBackAsAThumbnailThatOpensTheImageAndADownloadLink() throws Exception {
    restartWithAttachments(FileSystemBlobStore.open(profiles.resolve("blobs")));
    ChatPage alice = open("alice");
    ChatPage bob = open("bob");
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 640; x++) {
      image.setRGB(x, x * 3 / 4, 0x3366ff);
    }
    Path picture = profiles.resolve("sunset.png");
    ImageIO.write(image, "png", picture.toFile());

    alice.driver.findElement(By.id("file-input")).sendKeys(picture.toAbsolutePath().toString());
    alice.dropFile("notes.txt", "ten bytes!");
    alice.await(
        "both files are uploaded", () -> alice.fileStates().equals(List.of("ready", "ready")));
    alice.type("holiday" + Keys.ENTER);

    bob.await(
        "bob gets the message with both files",
        () ->
            bob.messages().contains(new Shown(1, "alice", "holiday"))
                && bob.count(".attachment") == 2);
    assertThat(alice.count("#files li")).as("the picked files went with the message").isZero();
    bob.await("the thumbnail is loaded", () -> bob.imageWidth(".attachment .thumbnail img") > 0);
    assertThat(bob.imageWidth(".attachment .thumbnail img")).isEqualTo(320);
    assertThat(bob.text(".attachment .file-link")).isEqualTo("notes.txt (10 B)");
    assertThat(bob.fetchText(".attachment .file-link")).isEqualTo("ten bytes!");

    bob.driver.findElement(By.cssSelector(".attachment .thumbnail")).click();
    bob.await("the full image opens", () -> bob.imageWidth("#viewer:not([hidden]) img") == 640);
    bob.driver.findElement(By.id("viewer")).click();
    bob.await("the viewer closes", () -> bob.count("#viewer[hidden]") == 1);
    assertThat(alice.browserErrors()).isEmpty();
  }

  @Test
  void whenTheBlobStoreIsDownThePageSaysAttachmentsAreUnavailableAndChatGoesOn() throws Exception {
    restartWithAttachments(new BrokenBlobStore());
    ChatPage alice = open("alice");
    ChatPage bob = open("bob");

    alice.dropFile("notes.txt", "not today");
    alice.await(
        "the page says attachments are unavailable",
        () -> alice.notice().contains("attachments are unavailable"));
    assertThat(alice.fileStates()).containsExactly("attachments are unavailable");

    alice.type("still here" + Keys.ENTER);
    bob.await(
        "the text still goes through",
        () -> bob.messages().contains(new Shown(1, "alice", "still here")));
    assertThat(bob.count(".attachment")).isZero();
  }

  /** A blob store whose disk is gone: every call fails. */
  private static final class BrokenBlobStore implements BlobStore {
    @Override
    public BlobInfo put(InputStream content, long maxBytes) throws IOException {
      throw new IOException("the disk is gone");
    }

    @Override
    public Optional<BlobInfo> stat(BlobId id) throws IOException {
      throw new IOException("the disk is gone");
    }

    @Override
    public InputStream open(BlobId id, long offset, long length) throws IOException {
      throw new IOException("the disk is gone");
    }

    @Override
    public boolean delete(BlobId id) throws IOException {
      throw new IOException("the disk is gone");
    }

    @Override
    public void forEach(Consumer<BlobInfo> each) throws IOException {
      throw new IOException("the disk is gone");
    }

    @Override
    public void close() {}
  }

  @Test
  void twoWindowsChatWithPresenceTypingAndReadReceipts() {
    ChatPage alice = open("alice");
    ChatPage bob = open("bob");

    alice.await("alice sees bob come online", () -> alice.onlineUsers().contains("bob"));
    assertThat(bob.onlineUsers()).containsExactly("alice", "bob");

    bob.type("hel");
    alice.await("alice sees bob typing", () -> alice.typing().equals("bob is typing..."));
    bob.type("lo alice" + Keys.ENTER);
    alice.await(
        "alice gets bob's message",
        () -> alice.messages().contains(new Shown(1, "bob", "hello alice")));
    alice.await("bob no longer typing", () -> alice.typing().isEmpty());
    bob.await("bob's own message is acknowledged", () -> !bob.stateOf(1).isEmpty());

    String markup = "<img src=x onerror=\"document.title='owned'\"> & <b>bold</b>";
    alice.type(markup + Keys.ENTER);
    bob.await(
        "bob gets alice's message, as text",
        () -> bob.messages().contains(new Shown(2, "alice", markup)));
    assertThat(bob.count("#messages img, #messages b")).isZero();
    assertThat(bob.title()).doesNotContain("owned");

    bob.await("alice has read bob's message", () -> bob.stateOf(1).equals("read by alice"));
    assertThat(alice.messages()).extracting(Shown::seq).containsExactly(1L, 2L);
    assertThat(bob.messages()).extracting(Shown::seq).containsExactly(1L, 2L);

    bob.quit();
    alice.await("alice sees bob go offline", () -> !alice.onlineUsers().contains("bob"));
    assertThat(alice.browserErrors()).isEmpty();
  }

  @Test
  void aPageThatLostItsConnectionCatchesUpAndSendsWhatItHeldBack() throws Exception {
    ChaosProxy firstRoute = route();
    ChatPage alice = open("alice");
    List<ChatMessage> carolSaw = new CopyOnWriteArrayList<>();
    RoomHandle carol = javaUser("carol", carolSaw);
    carol.send("one").get(10, TimeUnit.SECONDS);
    alice.await("alice gets message 1", () -> alice.messages().size() == 1);

    firstRoute.cutAll();
    firstRoute.close(); // the page cannot reach the chat endpoint until a new route opens
    alice.await("alice notices", () -> !alice.status().equals("connected"));
    carol.send("two").get(10, TimeUnit.SECONDS);
    carol.send("three").get(10, TimeUnit.SECONDS);
    alice.type("written while offline" + Keys.ENTER);
    alice.await("alice's message waits", () -> alice.count("#outbox [data-state='waiting']") == 1);

    route();
    alice.await(
        RECONNECT_WAIT,
        "alice catches up in order and her held message goes out once",
        () ->
            alice
                .messages()
                .equals(
                    List.of(
                        new Shown(1, "carol", "one"),
                        new Shown(2, "carol", "two"),
                        new Shown(3, "carol", "three"),
                        new Shown(4, "alice", "written while offline"))));
    alice.await("the outbox is empty", () -> alice.count("#outbox li") == 0);
    eventually(
        "carol gets alice's message",
        () -> carolSaw.stream().filter(m -> m.text().equals("written while offline")).count() == 1);
    assertThat(alice.status()).isEqualTo("connected");
  }

  @Test
  void aRoomTheServerClosesIsShownClosedAndDropped() throws Exception {
    ChatPage alice = open("alice");
    RoomHandle carol = javaUser("carol", new CopyOnWriteArrayList<>());
    carol.send("last words").get(10, TimeUnit.SECONDS);
    alice.await("alice gets carol's message", () -> alice.messages().size() == 1);

    assertThat(
            server.rooms().close(GENERAL, "archived by the moderators").get(10, TimeUnit.SECONDS))
        .isEqualTo(2);

    alice.await(
        "alice is told why",
        () -> alice.notice().equals("room closed: archived by the moderators"));
    assertThat(alice.roomTitle()).isEqualTo("# general (closed)");
    assertThat(alice.onlineUsers()).as("nobody is shown in a dropped room").isEmpty();
    assertThat(alice.inputDisabled()).as("a closed room takes no input").isTrue();
    assertThat(alice.messages()).containsExactly(new Shown(1, "carol", "last words"));
    assertThat(alice.status()).isEqualTo("connected");
    assertThat(server.rooms().onlineMembers(GENERAL).get(10, TimeUnit.SECONDS)).isEmpty();

    // joining it again by name works: the room's history is back and the page takes input
    server.rooms().publish(GENERAL, UserId.of("system"), "reopened").get(10, TimeUnit.SECONDS);
    alice.driver.findElement(By.id("room-input")).sendKeys("general" + Keys.ENTER);
    alice.await(
        "alice is back in general",
        () ->
            alice
                .messages()
                .equals(
                    List.of(
                        new Shown(1, "carol", "last words"), new Shown(2, "system", "reopened"))));
    alice.await("alice is online again", () -> alice.onlineUsers().equals(List.of("alice")));
    assertThat(alice.roomTitle()).isEqualTo("# general");
    assertThat(alice.inputDisabled()).isFalse();
    assertThat(alice.notice()).isEmpty();
    assertThat(alice.browserErrors()).isEmpty();
  }

  /**
   * A network that breaks WebSocket upgrades: alice's browser reaches everything through an HTTP
   * proxy that refuses every WebSocket (Chromium's {@code --proxy-server}, loopback included), so
   * her page falls back to Server-Sent Events by itself and chats with bob, who is on a WebSocket.
   * Then the proxy cuts her stream: the page opens a new one with a new ticket from the last event
   * it got, on the same session, and nothing is lost or shown twice.
   */
  @Test
  void aPageWhoseNetworkRefusesWebSocketsChatsOverServerSentEvents() throws Exception {
    UpgradeRefusingProxy proxy =
        new UpgradeRefusingProxy(server.webSocketUri().getPath() + "/sse").start();
    toClose.add(0, proxy);
    ChatPage bob = open("bob");
    ChatPage alice = open("alice", RECONNECT_WAIT, proxy);

    assertThat(alice.transport()).isEqualTo("SSE");
    assertThat(bob.transport()).isEqualTo("WebSocket");
    assertThat(proxy.refusedUpgrades()).as("WebSocket attempts refused").isGreaterThanOrEqualTo(2);
    assertThat(proxy.sessionsOpened()).isEqualTo(1);
    alice.await("alice sees bob", () -> alice.onlineUsers().equals(List.of("alice", "bob")));
    bob.await("bob sees alice", () -> bob.onlineUsers().equals(List.of("alice", "bob")));

    alice.type("hello from behind the proxy" + Keys.ENTER);
    bob.await(
        "bob gets alice's message",
        () -> bob.messages().equals(List.of(new Shown(1, "alice", "hello from behind the proxy"))));
    bob.type("hello over a websocket" + Keys.ENTER);
    alice.await(
        "alice gets bob's message",
        () ->
            alice
                .messages()
                .equals(
                    List.of(
                        new Shown(1, "alice", "hello from behind the proxy"),
                        new Shown(2, "bob", "hello over a websocket"))));
    alice.await("alice's message is acknowledged", () -> alice.count("#outbox li") == 0);

    assertThat(proxy.cutStreams()).as("alice's stream cut").isEqualTo(1);
    bob.type("while your stream was down" + Keys.ENTER);
    bob.type("and one more" + Keys.ENTER);
    alice.type("me too" + Keys.ENTER);
    // alice's "me too" and bob's two race for seqs 3 to 5: both pages show the same five, once
    alice.await(RECONNECT_WAIT, "alice gets everything", () -> alice.messages().size() >= 5);
    bob.await("bob gets alice's message written after the cut", () -> bob.messages().size() >= 5);
    alice.await("alice shows what bob shows", () -> alice.messages().equals(bob.messages()));
    assertThat(alice.messages()).extracting(Shown::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(alice.messages())
        .extracting(Shown::text)
        .containsExactlyInAnyOrder(
            "hello from behind the proxy",
            "hello over a websocket",
            "while your stream was down",
            "and one more",
            "me too");
    assertThat(proxy.streamsOpened()).as("the stream was opened again").isGreaterThanOrEqualTo(2);
    assertThat(proxy.sessionsOpened()).as("on the same session").isEqualTo(1);
    assertThat(alice.transport()).isEqualTo("SSE");
    assertThat(alice.status()).isEqualTo("connected");
    assertThat(alice.count("#outbox li")).isZero();

    // The server ends alice's session (event: close, 4005): as after a closed WebSocket, the page
    // opens a new session that resumes the room, and gets what was written meanwhile.
    assertThat(server.rooms().revoke(UserId.of("alice"), "signed out elsewhere")).isEqualTo(1);
    bob.type("after your session ended" + Keys.ENTER);
    alice.await(
        RECONNECT_WAIT,
        "alice resumes on a new session",
        () ->
            alice.messages().size() == 6
                && alice.messages().get(5).equals(new Shown(6, "bob", "after your session ended")));
    alice.await("alice is connected", () -> alice.status().equals("connected"));
    bob.await("bob shows what alice shows", () -> bob.messages().equals(alice.messages()));
    assertThat(proxy.sessionsOpened()).as("a new session").isEqualTo(2);
    assertThat(alice.transport()).isEqualTo("SSE");
    assertThat(alice.browserErrors()).noneMatch(error -> error.contains("Uncaught"));
  }

  // --- Fixtures ---

  /** Opens a proxy to the server and sends pages through it from their next connection on. */
  private ChaosProxy route() throws IOException {
    ChaosProxy proxy = new ChaosProxy(server.address()).start();
    toClose.add(0, proxy);
    advertised.set(URI.create("ws://127.0.0.1:" + proxy.port() + "/chat"));
    return proxy;
  }

  private RoomHandle javaUser(String name, List<ChatMessage> seen) throws Exception {
    ChatClient client = ChatClient.builder().endpoint(server.webSocketUri()).build();
    toClose.add(0, client);
    ChatSession session =
        client
            .connect(
                login.issue(UserId.of(name)),
                new ChatListener() {
                  @Override
                  public void onMessage(ChatSession s, MessageEvent event) {
                    seen.add(event.message());
                  }
                })
            .get(10, TimeUnit.SECONDS);
    return session.join(GENERAL).get(10, TimeUnit.SECONDS);
  }

  /** A new browser with a fresh profile, logged in as {@code nickname} and in room "general". */
  /**
   * Cross-site WebSocket hijacking: a page of another site, in a real browser, tries to open a chat
   * connection to the demo server. The browser sends that site's Origin; the server's Origin check
   * refuses the upgrade with 403, so the page's socket never opens. (Without the check it would
   * open: the server needs no cookie, but a browser that carried one would be riding on it.)
   */
  @Test
  void originCheck_aPageOfAnotherSiteCannotOpenAChatConnection() throws Exception {
    // 127.0.0.2 is another host to the browser (another origin), on this machine's loopback
    HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    String page =
        "<!doctype html><title>elsewhere</title><script>"
            + "window.result = 'pending';"
            + "const ws = new WebSocket('"
            + server.webSocketUri()
            + "', '"
            + Protocol.SUBPROTOCOL_JSON
            + "');"
            + "ws.onopen = () => { window.result = 'open'; ws.close(); };"
            + "ws.onclose = e => { if (window.result === 'pending') window.result = 'closed'; };"
            + "</script>";
    evil.createContext(
        "/",
        exchange -> {
          byte[] body = page.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    evil.start();
    toClose.add(() -> evil.stop(0));
    ChatPage attacker = browser("attacker");
    attacker.driver.get("http://127.0.0.2:" + evil.getAddress().getPort() + "/");
    JavascriptExecutor js = (JavascriptExecutor) attacker.driver;
    attacker.await(
        "the other site's socket is settled",
        () -> !"pending".equals(js.executeScript("return window.result")));
    assertThat(js.executeScript("return window.result")).isEqualTo("closed");

    // the demo's own page, same host as the server, still chats
    ChatPage alice = open("alice");
    assertThat(alice.onlineUsers()).contains("alice");
  }

  private ChatPage open(String nickname) {
    return open(nickname, WAIT, null);
  }

  /**
   * A new browser logged in as {@code nickname} and in room "general" within {@code wait}; with a
   * {@code proxy}, every request of that browser goes through it.
   */
  private ChatPage open(String nickname, Duration wait, UpgradeRefusingProxy proxy) {
    ChatPage page = browser(nickname, proxy);
    page.driver.get(server.httpUri().orElseThrow().toString());
    page.driver.findElement(By.id("nickname")).sendKeys(nickname + Keys.ENTER);
    page.await(wait, nickname + " is in general", () -> page.onlineUsers().contains(nickname));
    assertThat(page.status()).isEqualTo("connected");
    return page;
  }

  private ChatPage browser(String profile) {
    return browser(profile, null);
  }

  /**
   * A headless Chromium window with a fresh profile of its own; with a {@code proxy}, it reaches
   * every address through it, loopback included.
   */
  private ChatPage browser(String profile, UpgradeRefusingProxy proxy) {
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .withLogOutput(OutputStream.nullOutputStream())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,900",
        "--user-data-dir=" + profiles.resolve(profile).toAbsolutePath());
    if (proxy != null) {
      // Chromium bypasses proxies for loopback unless told not to ("<-loopback>").
      options.addArguments("--proxy-server=" + proxy.address(), "--proxy-bypass-list=<-loopback>");
    }
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChatPage page = new ChatPage(new ChromeDriver(service, options));
    toClose.add(0, page::quit);
    return page;
  }

  private static Optional<Path> executable(String override, String... names) {
    String given = System.getenv(override);
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given)).filter(Files::isExecutable);
    }
    List<String> folders = new ArrayList<>(List.of("/usr/bin", "/usr/local/bin"));
    String path = System.getenv("PATH");
    if (path != null) {
      folders.addAll(List.of(path.split(File.pathSeparator)));
    }
    for (String folder : folders) {
      for (String name : names) {
        Path candidate = Path.of(folder, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** One message as the page shows it. */
  record Shown(long seq, String sender, String text) {}

  /** One browser window on the demo page; reads the page through small scripts. */
  private static final class ChatPage {
    final WebDriver driver;
    private boolean quit;

    ChatPage(WebDriver driver) {
      this.driver = driver;
    }

    void type(CharSequence text) {
      driver.findElement(By.id("message-input")).sendKeys(text);
    }

    List<String> onlineUsers() {
      return strings(
          "return Array.from(document.querySelectorAll('#online li'), li => li.dataset.user);");
    }

    String typing() {
      return (String) script("return document.getElementById('typing').textContent;");
    }

    String status() {
      return (String) script("return document.getElementById('status').dataset.state;");
    }

    /** The transport the page says it uses: "WebSocket" or "SSE". */
    String transport() {
      return (String) script("return document.getElementById('transport').textContent;");
    }

    String title() {
      return driver.getTitle();
    }

    String notice() {
      return (String) script("return document.getElementById('notice').textContent;");
    }

    String roomTitle() {
      return (String) script("return document.getElementById('room-title').textContent;");
    }

    boolean inputDisabled() {
      return (Boolean)
          script(
              "return document.getElementById('message-input').disabled"
                  + " && document.getElementById('send').disabled;");
    }

    /** Drops a text file on the conversation, as dragging it from the desktop does. */
    void dropFile(String name, String content) {
      script(
          "const dt = new DataTransfer();"
              + "dt.items.add(new File([arguments[1]], arguments[0], { type: 'text/plain' }));"
              + "const target = document.getElementById('conversation');"
              + "for (const type of ['dragover', 'drop']) {"
              + "  target.dispatchEvent(new DragEvent(type,"
              + "      { dataTransfer: dt, bubbles: true, cancelable: true }));"
              + "}",
          name,
          content);
    }

    /** The state of each file picked for the next message: "uploading", "ready"... */
    List<String> fileStates() {
      return strings(
          "return Array.from(document.querySelectorAll('#files li .state'), s => s.textContent);");
    }

    String text(String selector) {
      return (String) script("return document.querySelector(arguments[0]).textContent;", selector);
    }

    /** The natural width of the first image matching {@code selector}: 0 until it has loaded. */
    long imageWidth(String selector) {
      Object width =
          script(
              "const i = document.querySelector(arguments[0]);"
                  + "return i && i.complete ? i.naturalWidth : 0;",
              selector);
      return ((Number) width).longValue();
    }

    /** Downloads the link's target in the page, as a click would, and returns it as text. */
    String fetchText(String selector) {
      return (String)
          ((JavascriptExecutor) driver)
              .executeAsyncScript(
                  "const done = arguments[arguments.length - 1];"
                      + "fetch(document.querySelector(arguments[0]).href)"
                      + ".then(r => r.ok ? r.text() : 'HTTP ' + r.status)"
                      + ".then(done, e => done(String(e)));",
                  selector);
    }

    long count(String selector) {
      return ((Number) script("return document.querySelectorAll(arguments[0]).length;", selector))
          .longValue();
    }

    /** The state line under this user's message with that seq, empty if none. */
    String stateOf(long seq) {
      Object state =
          script(
              "const s = document.querySelector("
                  + "'#messages li[data-seq=\"' + arguments[0] + '\"] .state');"
                  + "return s ? s.textContent : '';",
              String.valueOf(seq));
      return (String) state;
    }

    List<Shown> messages() {
      Object rows =
          script(
              "return Array.from(document.querySelectorAll('#messages li.message'),"
                  + " li => [li.dataset.seq, li.dataset.sender,"
                  + " li.querySelector('.text').textContent]);");
      List<Shown> shown = new ArrayList<>();
      for (Object row : (List<?>) rows) {
        List<?> cells = (List<?>) row;
        shown.add(
            new Shown(
                Long.parseLong((String) cells.get(0)),
                (String) cells.get(1),
                (String) cells.get(2)));
      }
      return shown;
    }

    /** Console errors and uncaught exceptions the page logged. */
    List<String> browserErrors() {
      List<String> errors = new ArrayList<>();
      for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
        if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
          errors.add(entry.getMessage());
        }
      }
      return errors;
    }

    void await(String what, BooleanSupplier condition) {
      await(WAIT, what, condition);
    }

    void await(Duration timeout, String what, BooleanSupplier condition) {
      new WebDriverWait(driver, timeout)
          .pollingEvery(Duration.ofMillis(50))
          .withMessage(() -> what + "; the page shows " + messagesOrProblem())
          .until(d -> condition.getAsBoolean());
    }

    private String messagesOrProblem() {
      try {
        return messages() + ", online " + onlineUsers() + ", status " + status();
      } catch (RuntimeException e) {
        return "nothing readable (" + e.getMessage() + ")";
      }
    }

    void quit() {
      if (!quit) {
        quit = true;
        driver.quit();
      }
    }

    private List<String> strings(String js) {
      List<String> values = new ArrayList<>();
      for (Object value : (List<?>) script(js)) {
        values.add((String) value);
      }
      return values;
    }

    private Object script(String js, Object... args) {
      return ((JavascriptExecutor) driver).executeScript(js, args);
    }
  }

  /** Polls a condition that no browser shows. */
  private static void eventually(String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
