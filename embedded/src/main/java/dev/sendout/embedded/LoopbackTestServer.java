package dev.sendout.embedded;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The SDK's test server, in real time, on a loopback port: what {@code
 * TestServer.createPortBoundServer} starts, which listens on every interface, so that anyone who
 * reached the machine could start, signal or terminate its workflows. The embedded default keeps
 * all it runs on loopback. Built from the same parts that method uses (pinned with the SDK).
 */
final class LoopbackTestServer implements AutoCloseable {

  private final TestServicesStarter services;
  private final Server server;

  private LoopbackTestServer(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  static LoopbackTestServer start(int port) throws IOException {
    // Time skipping locked: the clock runs as the wall clock does.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      return new LoopbackTestServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw e;
    }
  }

  /** Where it listens. */
  List<? extends SocketAddress> listensOn() {
    return server.getListenSockets();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
