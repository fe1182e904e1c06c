package dev.sendout.sandbox.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on the loopback interface that records every POST it gets, standing in for
 * the engine's webhook endpoints: SendGrid's Event Webhook and Vonage's status webhook alike. It
 * records a request before answering it, so once the sandbox has counted a POST as successful the
 * receiver is sure to hold it.
 */
public final class WebhookReceiver implements AutoCloseable {

  /**
   * One request as it arrived.
   *
   * @param headers the first value of each header, keyed by its lower-case name
   * @param body the raw body bytes
   * @param receivedAtNanos when it arrived, on the {@link System#nanoTime()} clock
   */
  public record Post(Map<String, String> headers, byte[] body, long receivedAtNanos) {

    /** The first value of a header, whatever the case of its name, or null when it is absent. */
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String contentType() {
      return header("Content-Type");
    }

    /** The token of an {@code Authorization: Bearer} header. */
    public String bearerToken() {
      return header("Authorization").substring("Bearer ".length());
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String path;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final Queue<Integer> scriptedStatuses = new ConcurrentLinkedQueue<>();
  private volatile long answerDelayMs;

  /** Starts a receiver that listens on this path, such as {@code /events}. */
  public WebhookReceiver(String path) throws IOException {
    this.path = path;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(path, this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Answers the next requests with these statuses, in order, and 200 after them. */
  public void answerNext(int... statuses) {
    for (int status : statuses) {
      scriptedStatuses.add(status);
    }
  }

  /** Holds every answer back this long, like a slow receiver. */
  public void answerAfter(long delayMs) {
    answerDelayMs = delayMs;
  }

  public List<Post> posts() {
    return new ArrayList<>(posts);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      Map<String, String> headers = new HashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      posts.add(new Post(headers, body, System.nanoTime()));
      if (answerDelayMs > 0) {
        Thread.sleep(answerDelayMs);
      }
      Integer scripted = scriptedStatuses.poll();
      exchange.sendResponseHeaders(scripted != null ? scripted : 200, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
