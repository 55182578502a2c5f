package io.simstream.indexer.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of Elasticsearch that can be cut: while down it drops every connection (open
 * ones included), as a node that went away would.
 */
final class SwitchableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean up = true;

  SwitchableProxy(String targetUrl) throws IOException {
    URI uri = URI.create(targetUrl);
    target = new InetSocketAddress(uri.getHost(), uri.getPort());
    server = new ServerSocket(0);
    Thread acceptor = new Thread(this::accept, "proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  void down() {
    up = false;
    open.forEach(SwitchableProxy::closeQuietly);
    open.clear();
  }

  void up() {
    up = true;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (!up) {
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // closed, or the target refused: the client sees a dropped connection
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // connection dropped
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pipe");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    down();
  }
}
