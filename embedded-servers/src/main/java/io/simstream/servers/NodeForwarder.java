package io.simstream.servers;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Forwards requests that a test's gateway (an auth-checking TLS proxy, a request size limit) lets
 * through to the Elasticsearch node over plain HTTP, and answers with the node's response.
 */
public final class NodeForwarder {
  /** Hop-by-hop headers, those the JDK client sets itself, and credentials the gateway consumed. */
  private static final Set<String> NOT_FORWARDED = Set.of("authorization", "connection", "content-length", "expect",
      "host", "upgrade", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-authorization");

  private final HttpClient node = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI nodeUrl;

  public NodeForwarder(URI nodeUrl) {
    this.nodeUrl = nodeUrl;
  }

  /** Sends the exchange's request, whose body the gateway has read already, to the node. */
  public void forward(HttpExchange exchange, byte[] body) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    HttpRequest.Builder request = HttpRequest.newBuilder(nodeUrl.resolve(exchange.getRequestURI().getRawPath()
            + (query == null ? "" : "?" + query)))
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> request.header(name, value));
      }
    });
    HttpResponse<byte[]> response;
    try {
      response = node.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    response.headers().map().forEach((name, values) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    send(exchange, response.statusCode(), response.body());
  }

  /** Answers the exchange itself (no body for HEAD or an empty one). */
  public static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean noBody = exchange.getRequestMethod().equals("HEAD") || body.length == 0;
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
