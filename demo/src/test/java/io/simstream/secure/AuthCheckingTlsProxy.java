package io.simstream.secure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.simstream.servers.NodeForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * What a secured Elasticsearch looks like from outside, in front of the test node (whose distribution has no
 * security module): TLS with a given certificate, every request checked for basic auth or an API key, answered
 * 401 like Elasticsearch when neither matches, else forwarded to the node over plain HTTP.
 */
final class AuthCheckingTlsProxy implements AutoCloseable {
  private final HttpsServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final NodeForwarder node;
  private final byte[] basic;
  private final byte[] apiKey;
  private final AtomicInteger forwardedBulks = new AtomicInteger();
  private final AtomicInteger forwardedSearches = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  /**
   * @param encodedApiKey base64 of {@code id:api_key}, as a client sends it after {@code ApiKey }
   */
  AuthCheckingTlsProxy(SSLContext tls, URI nodeUrl, String user, String password, String encodedApiKey)
      throws IOException {
    this.node = new NodeForwarder(nodeUrl);
    this.basic = ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    this.apiKey = ("ApiKey " + encodedApiKey).getBytes(StandardCharsets.UTF_8);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  int forwardedBulks() {
    return forwardedBulks.get();
  }

  int forwardedSearches() {
    return forwardedSearches.get();
  }

  int rejected() {
    return rejected.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      byte[] givenBytes = given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(givenBytes, basic) && !MessageDigest.isEqual(givenBytes, apiKey)) {
        rejected.incrementAndGet();
        unauthorized(exchange, given == null);
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      if (path.endsWith("/_bulk")) {
        forwardedBulks.incrementAndGet();
      } else if (path.endsWith("/_search")) {
        forwardedSearches.incrementAndGet();
      }
      node.forward(exchange, body);
    }
  }

  /** Elasticsearch's own 401 shape, so clients parse it as they would a real one. */
  private static void unauthorized(HttpExchange exchange, boolean missing) throws IOException {
    String reason = missing ? "missing authentication credentials for REST request [" + exchange.getRequestURI()
        + "]" : "unable to authenticate user for REST request [" + exchange.getRequestURI() + "]";
    String json = "{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"" + reason + "\"}],"
        + "\"type\":\"security_exception\",\"reason\":\"" + reason + "\"},\"status\":401}";
    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"security\", charset=\"UTF-8\"");
    exchange.getResponseHeaders().add("WWW-Authenticate", "ApiKey");
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-elastic-product", "Elasticsearch");
    NodeForwarder.send(exchange, 401, json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
