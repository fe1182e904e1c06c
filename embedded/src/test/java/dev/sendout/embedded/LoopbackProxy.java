package dev.sendout.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that can cut the network: {@link #cut()} resets every connection and
 * refuses new ones, as when a server's host goes away; {@link #restore()} accepts again. The server
 * behind it keeps running and keeps its state, unless a test stops it and {@link #retarget(int)
 * points} the proxy at another one: to the engine, that is the same server stopped and started
 * again at its one address.
 */
final class LoopbackProxy implements AutoCloseable {

  private final int port;
  private volatile int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;

  LoopbackProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.port = FreePorts.next();
    restore();
  }

  int port() {
    return port;
  }

  /** New connections go to the server on {@code targetPort} from now on. */
  void retarget(int targetPort) {
    this.targetPort = targetPort;
  }

  synchronized void restore() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    listener = socket;
    Thread accept = new Thread(() -> acceptUntilClosed(socket), "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  synchronized void cut() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      reset(socket);
    }
    sockets.clear();
  }

  @Override
  public void close() throws IOException {
    cut();
  }

  private void acceptUntilClosed(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException closed) {
        return;
      }
      connect(socket, client);
    }
  }

  /**
   * Joins a client accepted on {@code listener} to the server, unless a {@link #cut()} came between
   * the accept and now: that connection is reset with the others. (It once outlived a cut in CI,
   * added after the cut had reset the rest, and the worker stayed UP through the outage.)
   */
  private synchronized void connect(ServerSocket listener, Socket client) {
    if (listener.isClosed()) {
      reset(client);
      return;
    }
    try {
      Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      sockets.add(client);
      sockets.add(server);
      pump(client, server);
      pump(server, client);
    } catch (IOException targetDown) {
      // Nothing listens behind the proxy (the server is stopped): refuse this one, as the
      // server itself would, and keep accepting for when it is back.
      reset(client);
    }
  }

  private static void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException closed) {
                // One side went away: the other is closed below, as a broken connection would be.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /** Closes with a TCP reset, not a clean FIN: the peer sees a broken connection. */
  private static void reset(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (IOException alreadyGone) {
      // Closed by its pump meanwhile.
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
