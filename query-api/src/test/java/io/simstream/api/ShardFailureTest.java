package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.simstream.api.elasticsearch.ElasticsearchGateway;
import io.simstream.api.error.BackendUnavailableException;
import io.simstream.config.Settings;
import io.simstream.config.SimstreamConfig;
import io.simstream.elasticsearch.ElasticsearchClients;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Elasticsearch answers a search whose shards partly failed with 200 and the other shards' hits: the API answers
 * 503 naming the failure, never a result that silently lacks documents (an exact scan, a page with a gap).
 */
class ShardFailureTest {
  private static final String HIT = "{\"_index\":\"idx\",\"_id\":\"s1\",\"_score\":1.0,\"sort\":[0],"
      + "\"_source\":{\"sample_id\":\"s1\",\"vector\":[1.0,0.0,0.0,0.0]}}";
  private static final String PARTIAL = "{\"_shards\":{\"total\":2,\"successful\":1,\"skipped\":0,\"failed\":1,"
      + "\"failures\":[{\"shard\":1,\"index\":\"idx\",\"node\":\"n1\",\"reason\":{\"type\":"
      + "\"no_shard_available_action_exception\",\"reason\":\"x\"}}]},\"pit_id\":\"pit-1\","
      + "\"hits\":{\"hits\":[" + HIT + "]}}";
  private static final String CONTEXT_MISSING = "{\"error\":{\"root_cause\":[{\"type\":"
      + "\"search_context_missing_exception\",\"reason\":\"No search context found for id [7]\"}],"
      + "\"type\":\"search_phase_execution_exception\",\"reason\":\"all shards failed\"},\"status\":404}";

  @Test
  void searchesWithFailedShardsAre503NotPartialHits() throws IOException {
    try (StubElasticsearch es = new StubElasticsearch().on("POST", "/idx/_pit", "{\"id\":\"pit-1\"}")
             .on("POST", "/_search", PARTIAL).on("POST", "/idx/_search", PARTIAL);
         BackendlessApi server = withRun(es.url())) {
      ApiClient api = server.client();

      ApiClient.Response exact = api.post("/v1/datasets/d/similarity/run/sort-by-similarity",
          Map.of("vector", List.of(1, 0, 0, 0), "k", 5, "exact", true));
      ApiClient.Response knn = api.post("/v1/datasets/d/similarity/run/sort-by-similarity",
          Map.of("vector", List.of(1, 0, 0, 0), "k", 5, "numCandidates", 10));
      ApiClient.Response page = api.post("/v1/datasets/d/similarity/run/embeddings", Map.of("pageSize", 10));

      for (ApiClient.Response response : List.of(exact, knn, page)) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.error()).contains("1 of 2 shards failed").contains("no_shard_available_action_exception");
        assertThat(response.headers().firstValue("Retry-After")).contains("5");
      }
    }
  }

  /** A partial count would size the index short, pick knn for a scan, or let a run connect to a filled index. */
  @Test
  void aCountWithFailedShardsIs503NotAShortSize() throws IOException {
    String partialCount = "{\"count\":0,\"_shards\":{\"total\":2,\"successful\":1,\"skipped\":0,\"failed\":1,"
        + "\"failures\":[{\"shard\":1,\"index\":\"idx\",\"reason\":{\"type\":\"no_shard_available_action_exception\","
        + "\"reason\":\"x\"}}]}}";
    try (StubElasticsearch es = new StubElasticsearch().on("POST", "/idx/_count", partialCount);
         BackendlessApi server = withRun(es.url())) {
      ApiClient.Response size = server.client().get("/v1/datasets/d/similarity/run/size");

      assertThat(size.status()).as(size.body()).isEqualTo(503);
      assertThat(size.error()).contains("1 of 2 shards failed");
    }
  }

  @Test
  void aScanWhosePointInTimeIsLostIs503NotAMissingIndex() throws IOException {
    try (StubElasticsearch es = new StubElasticsearch().on("POST", "/idx/_pit", "{\"id\":\"pit-1\"}")
             .fail("POST", "/_search", 404, CONTEXT_MISSING);
         BackendlessApi server = withRun(es.url())) {
      ApiClient.Response exact = server.client().post("/v1/datasets/d/similarity/run/sort-by-similarity",
          Map.of("vector", List.of(1, 0, 0, 0), "k", 5, "exact", true));

      assertThat(exact.status()).as(exact.body()).isEqualTo(503);
      assertThat(exact.error()).contains("point in time").doesNotContain("does not exist");
      assertThat(exact.headers().firstValue("Retry-After")).contains("5");
    }
  }

  /**
   * The gateway refuses a partial search or count itself, whoever sends it, so that no call site can forget to;
   * answers whose failed shards are no failure of the request (a refresh; an _msearch, whose searches readiness
   * reports one by one) pass through.
   */
  @Test
  void theGatewayRefusesEveryPartialSearchOrCountAndPassesOtherAnswers() throws IOException {
    String partialCount = "{\"count\":0,\"_shards\":{\"total\":2,\"successful\":1,\"skipped\":0,\"failed\":1,"
        + "\"failures\":[{\"shard\":1,\"index\":\"idx\",\"reason\":{\"type\":\"no_shard_available_action_exception\","
        + "\"reason\":\"x\"}}]}}";
    String partialRefresh = "{\"_shards\":{\"total\":2,\"successful\":1,\"failed\":1}}";
    try (StubElasticsearch stub = new StubElasticsearch().on("POST", "/idx/_search", PARTIAL)
             .on("POST", "/_search", PARTIAL).on("POST", "/idx/_count", partialCount)
             .on("POST", "/idx/_refresh", partialRefresh).on("POST", "/_msearch", "{\"responses\":[" + PARTIAL + "]}");
         ElasticsearchGateway es = gatewayTo(stub)) {
      Map<String, ThrowingCallable> reads = Map.of(
          "search", () -> es.request("POST", "/idx/_search", Map.of("size", 5)),
          "point-in-time search", () -> es.request("POST", "/_search", Map.of("pit", Map.of("id", "pit-1"))),
          "count", () -> es.request("POST", "/idx/_count?ignore_unavailable=false", null),
          "vector read", () -> es.readVectors("POST", new ElasticsearchGateway.Read("/idx/_search", Map.of()),
              new ElasticsearchGateway.Read("/idx/_search", Map.of()), response -> false));
      reads.forEach((read, call) -> assertThatThrownBy(call).as(read)
          .isInstanceOfSatisfying(BackendUnavailableException.class,
              e -> assertThat(e.getMessage()).contains("1 of 2 shards failed")));

      assertThat(es.request("POST", "/idx/_refresh", null).path("_shards").path("failed").asInt()).isEqualTo(1);
      assertThat(es.requestLines("POST", "/_msearch", List.of(Map.of("index", "idx"), Map.of("size", 0)))
          .path("responses").path(0).path("_shards").path("failed").asInt()).isEqualTo(1);
    }
  }

  /** A search stopped at the cluster's time limit answers what it found by then: as partial as a failed shard. */
  @Test
  void aSearchStoppedAtTheClustersTimeLimitIsRefusedLikeAPartialOne() throws IOException {
    String timedOut = "{\"timed_out\":true,\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,"
        + "\"failed\":0},\"hits\":{\"hits\":[]}}";
    try (StubElasticsearch stub = new StubElasticsearch().on("POST", "/idx/_search", timedOut);
         ElasticsearchGateway es = gatewayTo(stub)) {
      assertThatThrownBy(() -> es.request("POST", "/idx/_search", Map.of("size", 5)))
          .isInstanceOfSatisfying(BackendUnavailableException.class,
              e -> assertThat(e.getMessage()).contains("time limit"));
    }
  }

  private static ElasticsearchGateway gatewayTo(StubElasticsearch stub) {
    return new ElasticsearchGateway(ElasticsearchClients.create(SimstreamConfig.load(Map.of())
        .with(Map.of(Settings.ES_HOSTS, stub.url()))));
  }

  private static BackendlessApi withRun(String esUrl) {
    BackendlessApi server = new BackendlessApi("", esUrl);
    assertThat(server.client().post("/v1/datasets", Map.of("name", "d")).status()).isEqualTo(201);
    server.runs.put(SimilarityRun.keyOf("d", "run"), new SimilarityRun("id-1", "d", "run", "idx",
        SimilarityRun.PRECOMPUTED, Metric.COSINE, 4, null, "int8_hnsw", false, Instant.now()));
    return server;
  }
}
