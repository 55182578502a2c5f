package io.simstream.secure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.QueryApi;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.json.Json;
import io.simstream.servers.LocalServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * What the tests of secured backends share: a config of their own topics on the local broker, JSON requests to a
 * running query API as a client sends them, and closing what they started.
 */
final class SecuredStackSupport {
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * Settings of a stack with its own topics and application id (prefixed by {@code name} and a random part) on the
   * local broker, its state under {@code dir}, and ports the OS picks.
   */
  static SimstreamConfig ownTopics(String name, Path dir) {
    String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    return SimstreamConfig.load(Map.of()).with(Map.of(
        Settings.KAFKA_BOOTSTRAP_SERVERS, LocalServers.kafka().bootstrapServers(),
        Settings.TOPIC_CHANGES, prefix + ".changes",
        Settings.TOPIC_RUNS, prefix + ".runs",
        Settings.TOPIC_DATASETS, prefix + ".datasets",
        Settings.TOPIC_DEAD_LETTERS, prefix + ".dead-letters",
        Settings.INDEXER_APPLICATION_ID, prefix + "-indexer",
        Settings.INDEXER_STATE_DIR, dir.resolve("state").toString(),
        Settings.INDEXER_ADMIN_PORT, "0",
        Settings.API_PORT, "0"));
  }

  record Response(int status, String body) {
    JsonNode json() throws IOException {
      return Json.MAPPER.readTree(body);
    }
  }

  Response call(QueryApi server, String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.body());
  }

  /** The sample ids nearest to {@code id} in the run at {@code runPath}, at most 3; fails unless the answer is 200. */
  List<String> nearestTo(QueryApi server, String runPath, String id) throws IOException, InterruptedException {
    Response result = call(server, "POST", runPath + "/sort-by-similarity", Map.of("id", id, "k", 3));
    assertThat(result.status()).as(result.body()).isEqualTo(200);
    return StreamSupport.stream(result.json().path("hits").spliterator(), false)
        .map(hit -> hit.path("sampleId").asText()).toList();
  }

  /** A GET of an absolute URL (an admin port, say). */
  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Closes what a test started, each even when another fails or was never started (null). */
  static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable resource : resources) {
      try {
        if (resource != null) {
          resource.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + resource + " failed: " + e);
      }
    }
  }
}
