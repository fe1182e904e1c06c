package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LoopbackTestServerTest {

  /**
   * Found by the docs audit: the embedded default's test server, started with the SDK's
   * createPortBoundServer, listened on every interface, while its banner said 127.0.0.1.
   */
  @Test
  void theTestServerListensOnLoopbackOnly() throws Exception {
    int port = FreePorts.next();
    try (LoopbackTestServer server = LoopbackTestServer.start(port)) {
      assertThat(server.listensOn())
          .isNotEmpty()
          .allSatisfy(
              address ->
                  assertThat(((InetSocketAddress) address).getAddress().isLoopbackAddress())
                      .isTrue());
    }
  }
}
