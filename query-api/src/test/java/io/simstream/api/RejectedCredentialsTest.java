package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wrong credentials are the operator's to fix, also where the typed client asks with HEAD (indices.exists): it
 * ignores a 401 there and fails on the missing body, which must not read as an unreachable Elasticsearch.
 */
class RejectedCredentialsTest {
  @Test
  void aCreateWithoutIndexNameAgainstWrongCredentialsNamesThem() throws IOException {
    HttpServer es = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    es.createContext("/", exchange -> {
      exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
      exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"security\"");
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    });
    es.start();
    try (BackendlessApi server = new BackendlessApi("", "http://127.0.0.1:" + es.getAddress().getPort())) {
      ApiClient api = server.client();
      assertThat(api.post("/v1/datasets", Map.of("name", "d")).status()).isEqualTo(201);

      ApiClient.Response created = api.post("/v1/datasets/d/similarity", Map.of("brainKey", "clip", "dims", 4));

      assertThat(created.status()).as(created.body()).isEqualTo(503);
      assertThat(created.error()).contains("SIMSTREAM_ES_USERNAME").doesNotContain("unreachable");
    } finally {
      es.stop(0);
    }
  }
}
