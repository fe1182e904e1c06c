package dev.sendout.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's chromium, headless, driven over the DevTools protocol with nothing but the JDK. The
 * Temporal Web UI renders in the browser from API calls, so a plain {@code --dump-dom} returns the
 * empty shell, and {@code --virtual-time-budget} never ends while the UI keeps a request open (both
 * tried): this waits for the rendered text instead, as a person looking at the page would.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

  /**
   * The text a person sees: the page's, plus that of its frames. The UI renders a workflow's
   * summary and current details as markdown in sandboxed frames (a {@code data:} URL or {@code
   * srcdoc}), which the page's {@code innerText} leaves out, so their sources are decoded here.
   */
  private static final String PAGE_TEXT =
      "(document.body ? document.body.innerText : '') + '\\n' +"
          + " [...document.querySelectorAll('iframe')].map(f => { let t = f.srcdoc || f.src || '';"
          + " try { t = decodeURIComponent(t); } catch (e) {}"
          + " return t.replace(/<[^>]*>/g, ' '); }).join('\\n')";

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** The browser binary: {@code -Dsendout.chromium}, else Debian's. */
  static Path binary() {
    return Path.of(System.getProperty("sendout.chromium", "/usr/bin/chromium"));
  }

  HeadlessChromium(int width, int height) throws Exception {
    profile = Files.createTempDirectory("chromium-profile");
    process =
        new ProcessBuilder(
                binary().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height,
                "--remote-debugging-port=0",
                "about:blank")
            .redirectErrorStream(true)
            .start();
    String browserUrl = devToolsUrl();
    // The page target's own socket: the one about:blank opened in.
    int port = URI.create(browserUrl).getPort();
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets =
        EngineClient.JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String pageUrl = null;
    for (JsonNode target : targets) {
      if ("page".equals(target.path("type").asText())) {
        pageUrl = target.path("webSocketDebuggerUrl").asText();
      }
    }
    if (pageUrl == null) {
      throw new IOException("chromium opened no page: " + targets);
    }
    socket =
        http.newWebSocketBuilder()
            .buildAsync(URI.create(pageUrl), new Listener())
            .get(30, TimeUnit.SECONDS);
  }

  private String devToolsUrl() throws IOException {
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Instant giveUp = Instant.now().plusSeconds(30);
    String line;
    while ((line = reader.readLine()) != null && Instant.now().isBefore(giveUp)) {
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        // Keep draining its output, or a chatty browser would block on a full pipe.
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (reader.readLine() != null) {
                      // Discarded: chromium logs D-Bus errors here, which mean nothing headless.
                    }
                  } catch (IOException e) {
                    // The browser went away.
                  }
                },
                "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
    }
    throw new IOException("chromium printed no DevTools address");
  }

  /** Opens the URL and waits until the page's visible text satisfies {@code ready}. */
  String open(String url, Predicate<String> ready, Duration timeout) throws Exception {
    call("Page.enable", null);
    ObjectNode params = EngineClient.JSON.createObjectNode().put("url", url);
    call("Page.navigate", params);
    return await(ready, timeout, url);
  }

  /**
   * Clicks the first link, button or tab whose own text is exactly {@code label} (such as a tab of
   * the workflow page), then waits until the page's text satisfies {@code ready}.
   */
  String click(String label, Predicate<String> ready, Duration timeout) throws Exception {
    String quoted = EngineClient.JSON.writeValueAsString(label);
    String clicked =
        evaluate(
            "(() => { const e = [...document.querySelectorAll('a,button,[role=tab]')]"
                + ".find(e => e.innerText && e.innerText.trim() === "
                + quoted
                + "); if (!e) return 'missing'; e.click(); return 'clicked'; })()");
    if (!"clicked".equals(clicked)) {
      throw new AssertionError("No link, button or tab labelled " + label + " on the page");
    }
    return await(ready, timeout, label);
  }

  private String await(Predicate<String> ready, Duration timeout, String what) throws Exception {
    Instant giveUp = Instant.now().plus(timeout);
    String text = "";
    while (Instant.now().isBefore(giveUp)) {
      text = evaluate(PAGE_TEXT);
      if (ready.test(text)) {
        // Let the last requests land and the layout settle before anyone looks at it.
        Thread.sleep(1500);
        return evaluate(PAGE_TEXT);
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "The page never showed what was awaited (" + what + ") within " + timeout + ":\n" + text);
  }

  /** The page's DOM, as {@code --dump-dom} would print it once rendered. */
  String dom() throws Exception {
    return evaluate("document.documentElement.outerHTML");
  }

  /** A PNG of the whole page. */
  void screenshot(Path file) throws Exception {
    JsonNode result =
        call(
            "Page.captureScreenshot",
            EngineClient.JSON
                .createObjectNode()
                .put("format", "png")
                .put("captureBeyondViewport", true));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(result.path("data").asText()));
  }

  String evaluate(String expression) throws Exception {
    JsonNode result =
        call(
            "Runtime.evaluate",
            EngineClient.JSON
                .createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true));
    return result.path("result").path("value").asText();
  }

  private JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode message = EngineClient.JSON.createObjectNode().put("id", id).put("method", method);
    if (params != null) {
      message.set("params", params);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(message.toString(), true).get(10, TimeUnit.SECONDS);
    JsonNode answer = reply.get(30, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IOException(method + " failed: " + answer.get("error"));
    }
    return answer.path("result");
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      // Every message, without asking for each: the replies are few and small.
      webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode message = EngineClient.JSON.readTree(partial.toString());
          CompletableFuture<JsonNode> reply =
              message.has("id") ? pending.remove(message.get("id").asInt()) : null;
          if (reply != null) {
            reply.complete(message);
          }
        } catch (IOException e) {
          // Not JSON: not a DevTools message; ignored.
        }
        partial.setLength(0);
      }
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.abort();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // Chromium's helper processes may still be removing cache files as the walk lists them: a
    // file gone meanwhile is no failure, and the walk is tried again for what is left.
    for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (UncheckedIOException | NoSuchFileException gone) {
        // listed, then removed by Chromium: walk again
      }
    }
  }
}
