package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The query API over HTTP, as any client would call it. */
final class ApiClient {
  // HTTP/1.1 keep-alive: no upgrade attempt on each connection skews the query latencies.
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  ApiClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  void registerDataset(String dataset) {
    post("/v1/datasets", Map.of("name", dataset));
  }

  /** Creates a cosine run and returns the name of its Elasticsearch index. */
  String createRun(String dataset, String brainKey, String model, int dims, String indexOptions) {
    return createRun(dataset, brainKey, model, Metric.COSINE, dims, indexOptions);
  }

  /** Creates a run and returns the name of its Elasticsearch index. */
  String createRun(String dataset, String brainKey, String model, Metric metric, int dims, String indexOptions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("brainKey", brainKey);
    body.put("model", model);
    body.put("metric", metric.apiName());
    body.put("dims", dims);
    body.put("indexOptions", indexOptions);
    return post("/v1/datasets/" + dataset + "/similarity", body).path("run").path("indexName").asText();
  }

  /** Deletes the run record (its index stays, as in the reference). */
  void deleteRun(String dataset, String brainKey) {
    send("DELETE", "/v1/datasets/" + dataset + "/similarity/" + brainKey, HttpRequest.BodyPublishers.noBody());
  }

  JsonNode sortBySimilarity(String dataset, String brainKey, Object request) {
    return post("/v1/datasets/" + dataset + "/similarity/" + brainKey + "/sort-by-similarity", request);
  }

  private JsonNode post(String path, Object body) {
    try {
      return send("POST", path, HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode send(String method, String path, HttpRequest.BodyPublisher body) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").method(method, body).build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json = Json.MAPPER.readTree(response.body());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + json);
      }
      return json;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
