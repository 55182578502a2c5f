package io.simstream.api.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.json.Json;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket, JSON commands): navigate,
 * evaluate JavaScript, click with real mouse events, take screenshots. No WebDriver in between.
 */
public final class HeadlessBrowser implements AutoCloseable {
  private static final Pattern ENDPOINT = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
  /** Generous: commands wait on a browser sharing two loaded cores with Kafka and Elasticsearch. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private static final int PROFILE_DELETE_ATTEMPTS = 3;

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessBrowser(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** Starts Chromium with a page of {@code width} x {@code height} CSS pixels. */
  public static HeadlessBrowser start(int width, int height) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    List<String> command = new ArrayList<>(List.of(Chromium.BINARY.toString(), "--headless=new", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, "--window-size=" + width + "," + height));
    if ("root".equals(System.getProperty("user.name"))) {
      command.add("--no-sandbox"); // Chromium's sandbox refuses to run as root
    }
    command.add("about:blank");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String endpoint = endpoint(process);
    URI browser = URI.create(endpoint);
    HttpClient http = HttpClient.newHttpClient();
    String targets = http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    String pageSocket = null;
    for (JsonNode target : Json.MAPPER.readTree(targets)) {
      if ("page".equals(target.path("type").asText())) {
        pageSocket = target.path("webSocketDebuggerUrl").asText();
      }
    }
    if (pageSocket == null) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium opened no page: " + targets);
    }
    Listener listener = new Listener();
    WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener).get(30, TimeUnit.SECONDS);
    HeadlessBrowser session = new HeadlessBrowser(process, profile, socket);
    listener.session = session;
    return session;
  }

  private static String endpoint(Process process) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = reader.readLine()) != null) {
      Matcher matcher = ENDPOINT.matcher(line);
      if (matcher.find()) {
        // Keep draining its output, or a chatty browser would block on a full pipe.
        Thread drain = new Thread(() -> reader.lines().forEach(l -> { }), "chromium-output");
        drain.setDaemon(true);
        drain.start();
        return matcher.group(1);
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("Chromium exited before it listened:\n" + seen);
  }

  /** Sends one DevTools command and returns its result. */
  public JsonNode send(String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
    message.set("params", Json.MAPPER.valueToTree(params));
    socket.sendText(message.toString(), true).join();
    try {
      JsonNode response = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (response.has("error")) {
        throw new IllegalStateException(method + " failed: " + response.path("error"));
      }
      return response.path("result");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(method + " failed", e);
    } finally {
      pending.remove(id);
    }
  }

  public void navigate(String url) {
    send("Page.navigate", Map.of("url", url));
  }

  /** Evaluates a JavaScript expression (promises awaited) and returns its value as JSON. */
  public JsonNode evaluate(String expression) {
    JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.path("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Clicks the centre of the first element matching {@code selector} with real mouse events. */
  public void click(String selector) {
    JsonNode box = evaluate("(() => { const e = document.querySelector(" + Json.MAPPER.valueToTree(selector)
        + "); if (!e) return null; e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
        + " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
    if (box.isNull() || box.isMissingNode()) {
      throw new IllegalStateException("nothing matches " + selector);
    }
    double x = box.path("x").asDouble();
    double y = box.path("y").asDouble();
    send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
    send("Input.dispatchMouseEvent", Map.of("type", "mousePressed", "x", x, "y", y, "button", "left", "clickCount", 1));
    send("Input.dispatchMouseEvent", Map.of("type", "mouseReleased", "x", x, "y", y, "button", "left", "clickCount", 1));
  }

  /** A PNG of the whole page as laid out (not just the window). */
  public byte[] screenshot() {
    JsonNode result = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
    return Base64.getDecoder().decode(result.path("data").asText());
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    // Chromium's helper processes outlive the main one for a moment and keep writing into the profile: a
    // walk of it met a file that vanished under it. Stop the whole tree, then delete.
    List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle member : tree) {
      try {
        member.onExit().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        member.destroyForcibly();
      }
    }
    deleteProfile();
  }

  /** Deletes the profile; a helper that escaped the process tree may still remove a file during the walk. */
  private void deleteProfile() throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        return;
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException) || attempt == PROFILE_DELETE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void receive(String text) {
    try {
      JsonNode message = Json.MAPPER.readTree(text);
      if (message.has("id")) {
        CompletableFuture<JsonNode> answer = pending.get(message.path("id").asInt());
        if (answer != null) {
          answer.complete(message);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Gathers messages that arrive in parts (screenshots are megabytes of base64). */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder parts = new StringBuilder();
    private volatile HeadlessBrowser session;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        String message = parts.toString();
        parts.setLength(0);
        if (session != null) {
          session.receive(message);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
