package dev.sendout.sandbox.sendgrid;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver on the loopback interface that records every POST it gets, standing in for
 * the engine's Event Webhook endpoint. It records a request before answering it, so once the
 * sandbox has counted a batch as posted the receiver is sure to hold it.
 */
final class WebhookReceiver implements AutoCloseable {

  /**
   * One request as it arrived.
   *
   * @param timestamp the X-Twilio-Email-Event-Webhook-Timestamp header
   * @param signature the X-Twilio-Email-Event-Webhook-Signature header
   * @param contentType the Content-Type header
   * @param body the raw body bytes
   * @param receivedAtNanos when it arrived, on the {@link System#nanoTime()} clock
   */
  record Post(
      String timestamp, String signature, String contentType, byte[] body, long receivedAtNanos) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Post> posts = new CopyOnWriteArrayList<>();
  private final Queue<Integer> scriptedStatuses = new ConcurrentLinkedQueue<>();

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/events", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
  }

  /** Answers the next requests with these statuses, in order, and 200 after them. */
  void answerNext(int... statuses) {
    for (int status : statuses) {
      scriptedStatuses.add(status);
    }
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
              exchange.getRequestHeaders().getFirst("X-Twilio-Email-Event-Webhook-Timestamp"),
              exchange.getRequestHeaders().getFirst("X-Twilio-Email-Event-Webhook-Signature"),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              body,
              System.nanoTime()));
      Integer scripted = scriptedStatuses.poll();
      exchange.sendResponseHeaders(scripted != null ? scripted : 200, -1);
    }
  }
}
