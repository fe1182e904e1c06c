package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiApplication;
import dev.sendout.api.ApiServerEnvironment;
import dev.sendout.api.RawHttp;
import dev.sendout.api.RawHttp.Reply;
import dev.sendout.core.tenant.ApiKeys;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A request refused because too many are in progress, over HTTP to the api as it runs: a 429 {@code
 * overloaded} problem with Retry-After, on a connection that stays open. Tomcat closes the
 * connection after a 503, so an overload answered 503 cost every refused caller a new connection,
 * and at 2,250 additions a second that reconnecting made thousands of requests time out
 * (docs/benchmarks.md).
 */
@SpringBootTest(
    classes = ApiApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      ApiApplication.CONFIG_NAME,
      "spring.temporal.test-server.enabled=true",
      "sendout.webhooks.vonage.signature-secret=test-secret",
      "sendout.api.limits.max-concurrent-requests=1"
    })
class OverloadRefusalTest {

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) {
    ApiServerEnvironment.register(registry);
  }

  @LocalServerPort int port;
  @Autowired ApiKeys apiKeys;

  @Test
  void anOverloadIsRefusedWith429AndRetryAfterOnAConnectionThatStaysOpen() throws Exception {
    String key = apiKeys.issue("tenant-overload", "overload-refusal-test").key();
    String list = "GET /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key;
    try (Socket caller = new Socket("127.0.0.1", port)) {
      caller.setSoTimeout(10_000);
      var in = new DataInputStream(new BufferedInputStream(caller.getInputStream()));
      Socket holder = null;
      Reply refused = null;
      for (int attempt = 0; attempt < 20 && refused == null; attempt++) {
        if (holder == null || holder.getInputStream().available() > 0) {
          // The holder was refused itself (the caller's last request had the place): again.
          if (holder != null) {
            holder.close();
          }
          holder = holdThePlace(key);
        }
        Thread.sleep(100);
        send(caller, list + "\r\n\r\n");
        Reply reply = RawHttp.read(in);
        if (reply.status() == 429) {
          refused = reply;
        } else {
          assertThat(reply.status()).as("before the create holds its place").isEqualTo(200);
        }
      }

      assertThat(refused).as("refused while the create is in progress").isNotNull();
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.body()).contains("urn:sendout:problem:overloaded");
      assertThat(refused.header("Connection")).isNotEqualToIgnoringCase("close");
      send(caller, list + "\r\n\r\n");
      assertThat(RawHttp.read(in).status()).as("the same connection, still in use").isEqualTo(429);

      holder.close(); // the create fails reading its body, and gives its place back
      int status = 0;
      for (int attempt = 0; attempt < 100 && status != 200; attempt++) {
        Thread.sleep(50);
        send(caller, list + "\r\n\r\n");
        status = RawHttp.read(in).status();
      }
      assertThat(status).as("the same connection, once the place is free").isEqualTo(200);
    }
  }

  /**
   * A create whose body is announced but never sent: the api waits reading it, holding the one
   * place among the requests in progress.
   */
  private Socket holdThePlace(String key) throws IOException {
    Socket holder = new Socket("127.0.0.1", port);
    send(
        holder,
        "POST /v1/sendouts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                .formatted(key)
            + "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{");
    return holder;
  }

  private static void send(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
