package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A cleanup whose run record is deleted while it deletes the index reports the index it deleted. */
class RunCleanupRaceTest {
  @Test
  void aRunDeletedDuringItsCleanupStillAnswersWhatWasDone() throws IOException {
    HttpServer es = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    try {
      es.start();
      try (BackendlessApi server = new BackendlessApi("", "http://127.0.0.1:" + es.getAddress().getPort())) {
        ApiClient api = server.client();
        assertThat(api.post("/v1/datasets", Map.of("name", "d")).status()).isEqualTo(201);
        String key = SimilarityRun.keyOf("d", "run");
        server.runs.put(key, new SimilarityRun("id-1", "d", "run", "idx", SimilarityRun.PRECOMPUTED, Metric.COSINE,
            4, null, "int8_hnsw", false, Instant.now()));
        es.createContext("/idx", exchange -> {
          // Another request deletes the run record while Elasticsearch deletes its index.
          server.runs.remove(key);
          byte[] body = "{\"acknowledged\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders("DELETE".equals(exchange.getRequestMethod()) ? 200 : 405, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });

        ApiClient.Response cleanup = api.post("/v1/datasets/d/similarity/run/cleanup", null);

        assertThat(cleanup.status()).as(cleanup.body()).isEqualTo(200);
        assertThat(cleanup.json().path("indexName").asText()).isEqualTo("idx");
        assertThat(cleanup.json().path("deleted").asBoolean()).isTrue();
      }
    } finally {
      es.stop(0);
    }
  }
}
