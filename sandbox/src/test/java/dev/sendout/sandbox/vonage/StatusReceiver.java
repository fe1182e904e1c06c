package dev.sendout.sandbox.vonage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on the loopback interface that records every status POST it gets, standing
 * in for the engine's Vonage status webhook. It records a request before answering it, so once the
 * sandbox has counted a status as posted the receiver is sure to hold it.
 */
final class StatusReceiver implements AutoCloseable {

  /**
   * One request as it arrived.
   *
   * @param authorization the Authorization header
   * @param contentType the Content-Type header
   * @param body the raw body bytes
   * @param receivedAtNanos when it arrived, on the {@link System#nanoTime()} clock
   */
  record Post(String authorization, String contentType, byte[] body, long receivedAtNanos) {

    String token() {
      return authorization.substring("Bearer ".length());
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final Queue<Integer> scriptedStatuses = new ConcurrentLinkedQueue<>();
  private volatile long answerDelayMs;

  StatusReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/status", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/status";
  }

  /** Answers the next requests with these statuses, in order, and 200 after them. */
  void answerNext(int... statuses) {
    for (int status : statuses) {
      scriptedStatuses.add(status);
    }
  }

  /** Holds every answer back this long, like a slow receiver. */
  void answerAfter(long delayMs) {
    answerDelayMs = delayMs;
  }

  List<Post> posts() {
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
      posts.add(
          new Post(
              exchange.getRequestHeaders().getFirst("Authorization"),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              body,
              System.nanoTime()));
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
