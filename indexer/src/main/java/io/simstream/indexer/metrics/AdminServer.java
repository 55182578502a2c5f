package io.simstream.indexer.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** {@code /metrics} (Prometheus text) and {@code /health} (200 when healthy, else 503) on a small port. */
public final class AdminServer implements AutoCloseable {
  public static final String METRICS_PATH = "/metrics";
  public static final String HEALTH_PATH = "/health";

  /** What /health reports. */
  public record Health(boolean healthy, String detail) {
  }

  private final HttpServer server;

  public AdminServer(int port, PrometheusMeterRegistry registry, Supplier<Health> health) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(METRICS_PATH, exchange -> respond(exchange, 200, registry.scrape()));
    server.createContext(HEALTH_PATH, exchange -> {
      Health now = health.get();
      respond(exchange, now.healthy() ? 200 : 503, now.detail());
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
