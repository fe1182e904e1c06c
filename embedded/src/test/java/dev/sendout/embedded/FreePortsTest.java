package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void portsAreFreeDistinctAndOutsideTheRangeOutgoingConnectionsTakeTheirsFrom() throws Exception {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    assumeTrue(Files.isReadable(range), "a Linux kernel's ephemeral port range");
    int ephemeralLow = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
    assumeTrue(ephemeralLow - FreePorts.LOWEST >= 1_000, "room below the ephemeral range");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = FreePorts.next();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      assertThat(port).isBetween(FreePorts.LOWEST, ephemeralLow - 1);
      try (var listener = new ServerSocket(port)) {
        assertThat(listener.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
