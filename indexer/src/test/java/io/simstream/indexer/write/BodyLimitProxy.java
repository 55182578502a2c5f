package io.simstream.indexer.write;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.simstream.servers.NodeForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway with a request size limit in front of the test node, as managed clusters and reverse
 * proxies have (nginx's client_max_body_size, a cloud service's 10 MB): larger requests get a 413,
 * the others are forwarded, and logged as "METHOD /path".
 */
final class BodyLimitProxy implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final NodeForwarder node;
  private final int maxBytes;
  private final AtomicInteger refused = new AtomicInteger();
  private final List<String> forwarded = new CopyOnWriteArrayList<>();
  private final Set<String> unavailable = ConcurrentHashMap.newKeySet();
  private volatile String passing;
  private volatile CountDownLatch gate;

  BodyLimitProxy(URI nodeUrl, int maxBytes) throws IOException {
    this.node = new NodeForwarder(nodeUrl);
    this.maxBytes = maxBytes;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  int refused() {
    return refused.get();
  }

  List<String> forwarded() {
    return List.copyOf(forwarded);
  }

  /** Answers {@code request} ("METHOD /path") with a 503 from now on, as a cluster without a master does. */
  void answerUnavailable(String request) {
    unavailable.add(request);
  }

  /**
   * From now on, holds every request but {@code passing} ("METHOD /path") until {@link #release()}: a client
   * stops between a read and what it does on what it read, while another changes the cluster.
   */
  void holdAllBut(String passing) {
    this.passing = passing;
    gate = new CountDownLatch(1);
  }

  void release() {
    CountDownLatch held = gate;
    if (held != null) {
      held.countDown();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (body.length > maxBytes) {
        refused.incrementAndGet();
        NodeForwarder.send(exchange, 413, ("{\"error\":\"request of " + body.length + " bytes is over the limit of " + maxBytes
            + "\",\"status\":413}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
      forwarded.add(request);
      CountDownLatch held = gate;
      if (held != null && !request.equals(passing)) {
        try {
          held.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (unavailable.contains(request)) {
        NodeForwarder.send(exchange, 503, ("{\"error\":{\"type\":\"master_not_discovered_exception\",\"reason\":\"test\"}"
            + ",\"status\":503}").getBytes(StandardCharsets.UTF_8));
        return;
      }
      node.forward(exchange, body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
