package dev.sendout.activities.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider that trickles its answer, a byte at a time, held a call until it closed the connection
 * itself (a fault drill: over three minutes): each read came within the socket's timeout, so none
 * timed out.
 */
class ProviderHttpClientTest {

  private static final Duration CONNECT = Duration.ofMillis(200);
  private static final Duration READ = Duration.ofMillis(800);

  /** The whole call's deadline here: 1.2 s. */
  private static final Duration DEADLINE = ProviderHttpClient.deadline(CONNECT, READ);

  private final CloseableHttpClient client = ProviderHttpClient.create(CONNECT, READ, 4);
  private ServerSocket server;

  @AfterEach
  void close() throws IOException {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  /**
   * Answers each connection with {@code head} at once, then {@code trickled} a byte every 200 ms
   * (at most 50: ten seconds), then closes it.
   */
  private String serve(String head, String trickled) throws IOException {
    server = new ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              try (Socket socket = server.accept()) {
                var in =
                    new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                for (String line = in.readLine(); line != null && !line.isEmpty(); ) {
                  line = in.readLine();
                }
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] bytes = trickled.getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < Math.min(bytes.length, 50); i++) {
                  Thread.sleep(200);
                  out.write(bytes[i]);
                  out.flush();
                }
              } catch (IOException | InterruptedException gone) {
                // the client cut the call off, or the test is over
              }
            },
            "trickling-provider");
    thread.setDaemon(true);
    thread.start();
    return "http://127.0.0.1:" + server.getLocalPort() + "/v3/mail/send";
  }

  private static HttpPost post(String url) {
    HttpPost post = new HttpPost(url);
    post.setEntity(new StringEntity("{}", StandardCharsets.UTF_8));
    return post;
  }

  @Test
  void anAnswerWhoseHeadIsTrickledIsCutOffAtTheDeadline() throws IOException {
    String url = serve("", "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n".repeat(3));
    long start = System.nanoTime();

    assertThatThrownBy(() -> client.execute(post(url))).isInstanceOf(IOException.class);

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isGreaterThanOrEqualTo(DEADLINE).isLessThan(DEADLINE.plusSeconds(4));
  }

  @Test
  void anAnswerWhoseBodyIsTrickledIsCutOffAtTheDeadline() throws IOException {
    String url = serve("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", "x".repeat(50));
    long start = System.nanoTime();

    try (CloseableHttpResponse response = client.execute(post(url))) {
      assertThat(response.getStatusLine().getStatusCode()).isEqualTo(200);
      assertThatThrownBy(() -> EntityUtils.toString(response.getEntity()))
          .isInstanceOf(IOException.class);
    }

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isGreaterThanOrEqualTo(DEADLINE).isLessThan(DEADLINE.plusSeconds(4));
  }

  @Test
  void anAnswerThatComesInTimeIsReadWhole() throws Exception {
    String url = serve("HTTP/1.1 202 Accepted\r\nContent-Length: 4\r\n\r\ndone", "");

    try (CloseableHttpResponse response = client.execute(post(url))) {
      assertThat(response.getStatusLine().getStatusCode()).isEqualTo(202);
      assertThat(EntityUtils.toString(response.getEntity())).isEqualTo("done");
    }
  }
}
