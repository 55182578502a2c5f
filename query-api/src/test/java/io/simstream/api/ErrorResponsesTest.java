package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.config.Settings;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Error cases that need the real Elasticsearch (validation without it: ValidationWithoutBackendsTest):
 * each answers its status with {"error": "...", "status": N} naming the problem.
 */
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
  void idQueriesThatFindNothingAre400() {
    expect(api.post(search(), Map.of("ids", List.of("x", "y"))), 400, "none of the 2 ids is in the index");
    expect(api.post(search(), Map.of("id", "x")), 400, "id 'x' is not in the index");
  }

  @Test
  void emptyRestrictionMatchesNothing() {
    ApiClient.Response response = api.post(search(), Map.of("id", "s1", "restrictIds", List.of()));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("hits")).isEmpty();
  }

  /** FiftyOne's snake_case name restricts for real (it was once ignored, and the search ran unrestricted). */
  @Test
  void restrictIdsAliasRestricts() {
    ApiClient.Response response = api.post(search(), Map.of("id", "s1", "restrict_ids", List.of("s7", "s9")));
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("hits").findValuesAsText("id")).containsExactlyInAnyOrder("s7", "s9");
  }

  /**
   * Tokens that decode, with a point in time that is not Elasticsearch's: never a 5xx. Those it
   * refuses are the client's 400; one it takes for a point in time on no shard reads nothing.
   */
  @Test
  void forgedPointsInTimeAre400sOrEmpty() throws IOException {
    ApiClient.Response first = api.post(path("run", "embeddings"), Map.of("pageSize", 10));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String token = first.json().path("nextPageToken").asText();
    ObjectNode decoded = (ObjectNode) Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token));
    String pit = decoded.path("pit").asText();
    int refused = 0;
    for (String forgedPit : List.of("AAAA", pit.substring(0, pit.length() / 2), new StringBuilder(pit).reverse()
        .toString(), "not base64 at all!")) {
      decoded.put("pit", forgedPit);
      String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(decoded.toString()
          .getBytes(StandardCharsets.UTF_8));
      ApiClient.Response response = api.post(path("run", "embeddings"), Map.of("pageToken", forged));
      System.out.printf("forged point in time %.12s...: %d %s%n", forgedPit, response.status(), response.body());
      if (response.status() == 200) {
        assertThat(response.json().path("embeddings")).as(forgedPit).isEmpty();
        assertThat(response.json().has("nextPageToken")).as(forgedPit).isFalse();
      } else {
        expect(response, 400, "pageToken");
        refused++;
      }
    }
    assertThat(refused).isPositive();
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
