package dev.sendout.embedded;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for listeners that must be named before they bind (another part's URL points there first).
 *
 * <p>A port probed with {@code new ServerSocket(0)} comes from the kernel's ephemeral range, where
 * every outgoing connection (the pools' to Postgres, gRPC's to Temporal) and every listener on port
 * 0 takes its port too. Between the probe and the bind one of them may take it, and the listener
 * then fails with "Address already in use" (the likely cause of an api's Tomcat failing to start in
 * CI on 2026-12-04; its log was cut before the cause). So the port is picked at random below that
 * range, where only listeners that name their port go, checked free, and never handed out twice in
 * one JVM.
 */
final class FreePorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /**
   * Below this are the ports that services conventionally name (Postgres, Temporal, 8080) and the
   * fixed ones of this repository's benchmarks and local topology (18080, 17733, …).
   */
  static final int LOWEST = 20_000;

  private static final int TRIES = 100;

  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port nothing listens on now, unlikely to be taken before the caller binds it. */
  static int next() throws IOException {
    int ephemeralLow = ephemeralLow();
    if (ephemeralLow - LOWEST >= TRIES) {
      for (int i = 0; i < TRIES; i++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralLow);
        if (handedOut.add(port) && free(port)) {
          return port;
        }
      }
    }
    // No room below the ephemeral range (or all of it taken): the kernel's choice, as before.
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static boolean free(int port) {
    try (var socket = new ServerSocket(port)) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /**
   * The first port of the kernel's ephemeral range; Linux's default where it cannot be read. (Not
   * {@code Files.readString}: it reads one byte of this file, whose size /proc gives as 0.)
   */
  private static int ephemeralLow() {
    try {
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException unreadable) {
      return 32_768;
    }
  }
}
