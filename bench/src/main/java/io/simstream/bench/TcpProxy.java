package io.simstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder whose target can change: an Elasticsearch node restarted on its data comes
 * back on another port (the embedded node always takes a free one), and the indexer, configured once,
 * must find it at the same address, as it would a restarted production node. While the target is
 * down, connections are accepted and closed at once, as a refused connection would be.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile InetSocketAddress target;

  TcpProxy(String targetUrl) throws IOException {
    retarget(targetUrl);
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "chaos-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  void retarget(String targetUrl) {
    URI uri = URI.create(targetUrl);
    target = new InetSocketAddress(uri.getHost(), uri.getPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        return;
      }
      try {
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException targetDown) {
        closeQuietly(client);
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException dropped) {
        // One side went away; closing both tells the other.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "chaos-proxy-pipe");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException alreadyClosed) {
      // Nothing left to release.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(this::closeQuietly);
  }
}
