package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.config.Settings;
import io.simstream.run.Metric;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Each error case answers its status with {"error": "...", "status": N} naming the problem. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorResponsesTest {
  private final ApiClient api = SharedApi.client();
  private final String dataset = "errors-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Double> vector = Collections.nCopies(VectorData.DIMS, 0.5);

  @BeforeAll
  void createRun() {
    api.post("/v1/datasets", Map.of("name", dataset));
    ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "run", "dims", VectorData.DIMS));
    EsLoader.load(created.json().path("run").path("indexName").asText(),
        VectorData.clustered("s", 50, Metric.COSINE, 3));
  }

  @Test
  void unknownDatasetOrBrainKeyIs404() {
    expect(api.post("/v1/datasets/nope/similarity/run/sort-by-similarity", Map.of("vector", vector)), 404,
        "dataset 'nope' is not registered");
    expect(api.post(path("nope", "sort-by-similarity"), Map.of("vector", vector)), 404,
        "has no similarity run with brain key 'nope'");
    expect(api.get("/v1/datasets/" + dataset + "/similarity/nope"), 404, "brain key 'nope'");
    expect(api.post(path("nope", "embeddings"), null), 404, "brain key 'nope'");
  }

  @Test
  void malformedBodiesAre400() {
    expect(api.post(search(), "{\"vector\": [1, 2"), 400, "not valid JSON");
    expect(api.post(search(), Map.of("vector", vector, "k", "ten")), 400, "field 'k'");
    expect(api.post(search(), null), 400, "request body is missing");
    expect(api.post(search(), "[1, 2]"), 400, "the body");
  }

  @Test
  void queryProblemsAre400() {
    expect(api.post(search(), Map.of("vector", List.of(1.0, 2.0))), 400, "vector has 2 dims, but run");
    expect(api.post(search(), Map.of("vectors", List.of(vector, List.of(1.0)))), 400, "vectors[1] has 1 dims");
    expect(api.post(search(), Map.of("vector", vector, "k", 0)), 400, "k must be in 1..10000, got 0");
    expect(api.post(search(), Map.of("vector", vector, "k", 10_001)), 400, "k must be in 1..10000, got 10001");
    expect(api.post(search(), Map.of("ids", List.of())), 400, "ids is empty");
    expect(api.post(search(), Map.of("vectors", List.of())), 400, "vectors is empty");
    expect(api.post(search(), Map.of("ids", List.of("x", "y"))), 400, "none of the 2 ids is in the index");
    expect(api.post(search(), Map.of("id", "x")), 400, "id 'x' is not in the index");
    expect(api.post(search(), Map.of("id", "s1", "vector", vector)), 400, "give exactly one query");
    expect(api.post(search(), Map.of("k", 5)), 400, "give exactly one query");
    expect(api.post(search(), Map.of("text", "a dog")), 400, "model 'precomputed', which cannot embed text prompts");
    expect(api.post(search(), Map.of("vector", Collections.nCopies(VectorData.DIMS, 0.0))), 400, "all zeros");
    expect(api.post(search(), Map.of("id", "s1", "restrictLabelIds", List.of("l"))), 400, "patch runs only");
    expect(api.get("/v1/similarity?supportsPrompts=maybe"), 400, "supportsPrompts must be true or false");
  }

  @Test
  void emptyRestrictionMatchesNothing() {
    ApiClient.Response response = api.post(search(), Map.of("id", "s1", "restrictIds", List.of()));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("hits")).isEmpty();
  }

  @Test
  void embeddingsProblemsAre400() {
    expect(api.post(path("run", "embeddings"), Map.of("sampleIds", List.of())), 400, "sampleIds is empty");
    expect(api.post(path("run", "embeddings"), Map.of("labelIds", List.of("a"))), 400, "patch runs only");
    expect(api.post(path("run", "embeddings"), Map.of("pageSize", 0)), 400, "pageSize must be in 1..10000");
    expect(api.post(path("run", "embeddings"), Map.of("pageToken", "garbage")), 400, "pageToken");
    expect(api.post(path("run", "embeddings"), Map.of("sampleIds", List.of("a"), "labelIds", List.of("b"))), 400,
        "not both");
  }

  @Test
  void unknownRoutesAndMethodsAnswerJson() {
    expect(api.get("/v1/nothing-here"), 404, "GET /v1/nothing-here");
    ApiClient.Response wrongMethod = api.send("PUT", "/v1/datasets", Map.of("name", "x"));
    assertThat(wrongMethod.status()).isIn(404, 405);
    assertThat(wrongMethod.json().path("status").asInt()).isEqualTo(wrongMethod.status());
  }

  @Test
  void elasticsearchUnavailableIs503WithRetryAfter() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    Map<io.simstream.config.Setting<?>, String> deadEs = new HashMap<>();
    deadEs.put(Settings.ES_HOSTS, "http://127.0.0.1:" + deadPort);
    try (QueryApi cut = QueryApi.start(SharedApi.config().with(deadEs))) {
      ApiClient client = new ApiClient("http://127.0.0.1:" + cut.port(), null);
      ApiClient.Response search = client.post(search(), Map.of("vector", vector));
      expect(search, 503, "Elasticsearch is unreachable");
      assertThat(search.headers().firstValue("Retry-After")).hasValue("5");
      expect(client.post("/v1/datasets/" + dataset + "/similarity", Map.of("brainKey", "new", "dims", 4)), 503,
          "Elasticsearch is unreachable");
      ApiClient.Response ready = client.get("/ready");
      expect(ready, 503, "not ready");
      assertThat(ready.json().path("checks").path("elasticsearch").asText()).contains("unreachable");
      assertThat(ready.json().path("checks").path("runsView").asText()).isEqualTo("caught-up");
      assertThat(client.get("/health").status()).isEqualTo(200);
    }
  }

  private static void expect(ApiClient.Response response, int status, String messagePart) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.json().path("status").asInt()).isEqualTo(status);
    assertThat(response.error()).contains(messagePart);
    assertThat(response.body()).doesNotContain("\tat ").doesNotContain("java.");
  }

  private String search() {
    return path("run", "sort-by-similarity");
  }

  private String path(String brainKey, String action) {
    return "/v1/datasets/" + dataset + "/similarity/" + brainKey + "/" + action;
  }
}
