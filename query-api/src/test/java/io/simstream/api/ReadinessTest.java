package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.health.HealthHandlers;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.elasticsearch.VectorFieldSpec;
import io.simstream.json.Json;
import io.simstream.run.IndexLayout;
import io.simstream.run.Metric;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * /ready asks Elasticsearch only about the indexes of the API's runs: a red index elsewhere in the
 * cluster leaves the API in service, a red run index takes it out. An API of its own, so that its
 * runs are only this test's.
 */
class ReadinessTest {
  private static final String UNASSIGNABLE = "{\"settings\":{\"number_of_replicas\":0,"
      + "\"index.routing.allocation.require._name\":\"no-such-node\"}}";

  @Test
  void onlyTheRunIndexesDecideReadiness() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String unrelated = "unrelated-red-" + suffix;
    String runIndex = null;
    try (QueryApi own = QueryApi.start(TestBackends.config(Map.of()))) {
      ApiClient api = new ApiClient("http://127.0.0.1:" + own.port(), null);
      ApiClient.Response noRuns = api.get("/ready");
      assertThat(noRuns.status()).as(noRuns.body()).isEqualTo(200);

      EsLoader.send("PUT", "/" + unrelated + "?wait_for_active_shards=0", UNASSIGNABLE.getBytes(),
          "application/json");
      assertThat(api.post("/v1/datasets", Map.of("name", "ready-" + suffix)).status()).isEqualTo(201);
      runIndex = api.post("/v1/datasets/ready-" + suffix + "/similarity", Map.of("brainKey", "run", "dims", 4))
          .json().path("run").path("indexName").asText();
      ApiClient.Response unrelatedRed = api.get("/ready");
      assertThat(unrelatedRed.status()).as(unrelatedRed.body()).isEqualTo(200);
      assertThat(unrelatedRed.json().path("checks").path("elasticsearch").asText()).startsWith("searchable");

      // Made again where no node may hold it, with the run's mapping, the run's index is red. (Moving an
      // assigned shard with allocation filters leaves it where it is, since no node may take it.)
      EsLoader.send("DELETE", "/" + runIndex, new byte[0], "application/json");
      ObjectNode red = (ObjectNode) Json.MAPPER.readTree(IndexMapping.createIndexBodyWithWriteAlias(runIndex,
          new VectorFieldSpec(Metric.COSINE, 4, IndexMapping.DEFAULT_INDEX_OPTIONS), new IndexLayout(null, 0)));
      ((ObjectNode) red.get("settings")).put("index.routing.allocation.require._name", "no-such-node");
      EsLoader.send("PUT", "/" + runIndex + "?wait_for_active_shards=0", Json.MAPPER.writeValueAsBytes(red),
          "application/json");
      ApiClient.Response runRed = api.get("/ready");
      System.out.println("/ready with a red run index: " + runRed.body());
      assertThat(runRed.status()).as(runRed.body()).isEqualTo(503);
      assertThat(runRed.json().path("checks").path("elasticsearch").asText()).contains("run indexes")
          .contains(runIndex);
    } finally {
      EsLoader.send("DELETE", "/" + unrelated, new byte[0], "application/json");
      if (runIndex != null) {
        EsLoader.send("DELETE", "/" + runIndex, new byte[0], "application/json");
      }
    }
  }

  /**
   * A run index that exists but cannot be searched (closed, or refused as a missing privilege would
   * refuse it: a read block answers 403) takes the API out of service; a missing one does not, since
   * the indexer creates a cleaned-up run's index again.
   */
  @Test
  void aRunIndexThatCannotBeSearchedIsReportedAndAMissingOneIsNot() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String runIndex = null;
    try (QueryApi own = QueryApi.start(TestBackends.config(Map.of()))) {
      ApiClient api = new ApiClient("http://127.0.0.1:" + own.port(), null);
      assertThat(api.post("/v1/datasets", Map.of("name", "ready-" + suffix)).status()).isEqualTo(201);
      String dataset = "/v1/datasets/ready-" + suffix + "/similarity";
      runIndex = api.post(dataset, Map.of("brainKey", "run", "dims", 4)).json().path("run").path("indexName").asText();
      String cleanedUp = api.post(dataset, Map.of("brainKey", "gone", "dims", 4)).json().path("run")
          .path("indexName").asText();
      assertThat(api.post(dataset + "/gone/cleanup", null).status()).isEqualTo(200);
      ApiClient.Response oneMissing = api.get("/ready");
      assertThat(oneMissing.status()).as(oneMissing.body()).isEqualTo(200);
      assertThat(oneMissing.json().path("checks").path("elasticsearch").asText()).contains(cleanedUp);

      EsLoader.send("PUT", "/" + runIndex + "/_settings", "{\"index.blocks.read\": true}".getBytes(),
          "application/json");
      ApiClient.Response forbidden = api.get("/ready");
      assertThat(forbidden.status()).as(forbidden.body()).isEqualTo(503);
      assertThat(forbidden.json().path("checks").path("elasticsearch").asText()).contains(runIndex).contains("403");
      assertUnreadable(api, dataset + "/run", runIndex, "is blocked");

      EsLoader.send("PUT", "/" + runIndex + "/_settings", "{\"index.blocks.read\": null}".getBytes(),
          "application/json");
      EsLoader.send("POST", "/" + runIndex + "/_close", new byte[0], "application/json");
      ApiClient.Response closed = api.get("/ready");
      assertThat(closed.status()).as(closed.body()).isEqualTo(503);
      assertThat(closed.json().path("checks").path("elasticsearch").asText()).contains(runIndex).contains("closed");
      assertUnreadable(api, dataset + "/run", runIndex, "is closed");
    } finally {
      if (runIndex != null) {
        EsLoader.send("DELETE", "/" + runIndex, new byte[0], "application/json");
      }
    }
  }

  /**
   * The query paths answer a closed or read-blocked run index as 503 naming the index (retry once an
   * operator opens or unblocks it), not as 502 (an API bug) nor as the API's credentials refused.
   */
  private static void assertUnreadable(ApiClient api, String run, String runIndex, String says) {
    for (ApiClient.Response response : new ApiClient.Response[] {api.get(run + "/size"), api.get(run),
        api.post(run + "/sort-by-similarity", Map.of("vector", new double[] {1, 0, 0, 0}))}) {
      assertThat(response.status()).as(response.body()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).contains("5");
      assertThat(response.json().path("error").asText()).as(response.body()).contains(runIndex).contains(says)
          .doesNotContain("misconfigured");
    }
  }

  /**
   * The checks run at once: two views that each wait for the other to start pass, where one after the other
   * the first would time out. So a probe of a few seconds sees /ready answer even when every backend is slow.
   */
  @Test
  void theChecksRunAtOnce() throws Exception {
    CountDownLatch bothStarted = new CountDownLatch(2);
    HealthHandlers.CaughtUpCheck waitsForTheOther = timeout -> {
      bothStarted.countDown();
      try {
        if (!bothStarted.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new TimeoutException("the other check never started");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    };
    Map<String, HealthHandlers.CaughtUpCheck> views = new LinkedHashMap<>();
    views.put("runsView", waitsForTheOther);
    views.put("datasetsView", waitsForTheOther);
    try (BackendlessApi api = new BackendlessApi("", "http://127.0.0.1:1", views)) {
      ApiClient.Response ready = api.client().get("/ready");

      assertThat(ready.json().path("checks").path("runsView").asText()).as(ready.body()).isEqualTo("caught-up");
      assertThat(ready.json().path("checks").path("datasetsView").asText()).as(ready.body()).isEqualTo("caught-up");
    }
  }
}
