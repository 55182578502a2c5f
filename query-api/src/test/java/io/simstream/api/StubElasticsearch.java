package io.simstream.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP server that answers as Elasticsearch would, with canned JSON per method and path: for
 * answers a real 8.19 node cannot give (a 9.x mapping). Anything else is a 404 index_not_found_exception.
 */
final class StubElasticsearch implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, String> answers = new ConcurrentHashMap<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();

  StubElasticsearch() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::answer);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method path} (no query string) with 200 and {@code json}. */
  StubElasticsearch on(String method, String path, String json) {
    answers.put(method + " " + path, json);
    return this;
  }

  /** Answers {@code method path} (no query string) with an error {@code status} and {@code json}. */
  StubElasticsearch fail(String method, String path, int status, String json) {
    statuses.put(method + " " + path, status);
    return on(method, path, json);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    String json = answers.get(key);
    int status = json == null ? 404 : statuses.getOrDefault(key, 200);
    if (json == null) {
      json = "{\"error\":{\"type\":\"index_not_found_exception\",\"reason\":\"no such index\"},\"status\":404}";
    }
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
