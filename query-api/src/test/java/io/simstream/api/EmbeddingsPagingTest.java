package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Paging through every vector of an index against the real Elasticsearch: where pages end, and page sizes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddingsPagingTest {
  private static final int DOCS = 60;
  private final ApiClient api = SharedApi.client();
  private final String dataset = "paging-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  void createRun() {
    api.post("/v1/datasets", Map.of("name", dataset));
    ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", "run", "dims", VectorData.DIMS));
    EsLoader.load(created.json().path("run").path("indexName").asText(),
        VectorData.clustered("s", DOCS, Metric.COSINE, 5));
  }

  /**
   * Every vector comes back bit for bit through get-embeddings, written as the indexer writes it
   * (base64 float32 to 9.3+, SMILE float32 to 8.x), in a Euclidean run. (A cosine run on 9.x gives
   * some values back 1 ulp off whatever the bulk form: 9.x rebuilds the source vector from the
   * normalized one it stores and its magnitude, whatever the bulk form.)
   */
  @Test
  void everyVectorComesBackBitExact() {
    String euclidean = "paging-l2-" + UUID.randomUUID().toString().substring(0, 8);
    api.post("/v1/datasets", Map.of("name", euclidean));
    ApiClient.Response created = api.post("/v1/datasets/" + euclidean + "/similarity",
        Map.of("brainKey", "run", "dims", VectorData.DIMS, "metric", "euclidean"));
    List<EsLoader.Doc> written = VectorData.clustered("e", 40, Metric.EUCLIDEAN, 4);
    EsLoader.load(created.json().path("run").path("indexName").asText(), written);

    Map<String, float[]> read = new HashMap<>();
    readAll(euclidean, List.of(25)).forEach(page -> page.json().path("embeddings").forEach(e -> {
      float[] vector = new float[e.path("vector").size()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (float) e.path("vector").get(i).asDouble();
      }
      read.put(e.path("id").asText(), vector);
    }));
    assertThat(read).hasSize(written.size());
    for (EsLoader.Doc doc : written) {
      assertThat(bits(read.get(doc.id()))).as(doc.id() + " (" + EsLoader.encoding() + ")")
          .containsExactly(bits(doc.vector()));
    }
  }

  private static int[] bits(float[] vector) {
    int[] bits = new int[vector.length];
    for (int i = 0; i < vector.length; i++) {
      bits[i] = Float.floatToRawIntBits(vector[i]);
    }
    return bits;
  }

  /** The results page lists a first page and never follows it: nothing may stay open for 5 minutes per visit. */
  @Test
  void aSinglePageCarriesNoTokenAndHoldsNoPointInTime() {
    long openBefore = openPointsInTime();
    String path = "/v1/datasets/" + dataset + "/similarity/run/embeddings";
    ApiClient.Response single = api.post(path, Map.of("pageSize", DOCS));
    assertThat(single.json().has("nextPageToken")).isFalse();
    assertThat(openPointsInTime()).as("a listing of one page closes its point in time").isLessThanOrEqualTo(openBefore);

    ApiClient.Response first = api.post("/v1/datasets/" + dataset + "/similarity/run/embeddings",
        Map.of("pageSize", 10, "singlePage", true));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().path("embeddings")).hasSize(10);
    assertThat(first.json().has("nextPageToken")).isFalse();
    assertThat(openPointsInTime()).isLessThanOrEqualTo(openBefore);

    ApiClient.Response withToken = api.post("/v1/datasets/" + dataset + "/similarity/run/embeddings",
        Map.of("singlePage", true, "pageToken", "x"));
    assertThat(withToken.status()).isEqualTo(400);
  }

  /**
   * A client whose answer was lost asks again with the same token: the last page too, whose point in
   * time stays until it expires (closing it made the repeat a 400 "expired" within the token's life).
   */
  @Test
  void everyPageRepeatsWhileItsTokenLasts() {
    String path = "/v1/datasets/" + dataset + "/similarity/run/embeddings";
    ApiClient.Response first = api.post(path, Map.of("pageSize", 40));
    String token = first.json().path("nextPageToken").asText();
    ApiClient.Response last = api.post(path, Map.of("pageSize", 40, "pageToken", token));
    assertThat(last.status()).as(last.body()).isEqualTo(200);
    assertThat(last.json().path("embeddings")).hasSize(DOCS - 40);
    assertThat(last.json().has("nextPageToken")).isFalse();

    ApiClient.Response again = api.post(path, Map.of("pageSize", 40, "pageToken", token));

    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().path("embeddings")).isEqualTo(last.json().path("embeddings"));
    assertThat(again.json().has("nextPageToken")).isFalse();
  }

  /**
   * The last page's point in time stays open for its keep-alive (its token may be repeated), which
   * bounds the points in time that listings hold: Elasticsearch refuses searches that ask for longer
   * than {@code search.max_keep_alive}, so paging under a 2-minute maximum shows the bound.
   */
  @Test
  void aListingKeepsItsPointInTimeAtMostTwoMinutes() {
    clusterSettings("{\"persistent\": {\"search.default_keep_alive\": \"1m\", \"search.max_keep_alive\": \"2m\"}}");
    try {
      assertThat(readAll(List.of(25))).hasSize(3);
    } finally {
      clusterSettings("{\"persistent\": {\"search.default_keep_alive\": null, \"search.max_keep_alive\": null}}");
    }
  }

  private static void clusterSettings(String body) {
    assertThat(EsLoader.send("PUT", "/_cluster/settings", body.getBytes(), "application/json"))
        .contains("\"acknowledged\":true");
  }

  @Test
  void aFirstPageThatFailsClosesItsPointInTime() {
    String broken = "paging-broken-" + UUID.randomUUID().toString().substring(0, 8);
    api.post("/v1/datasets", Map.of("name", broken));
    String index = api.post("/v1/datasets/" + broken + "/similarity", Map.of("brainKey", "run", "dims", VectorData.DIMS))
        .json().path("run").path("indexName").asText();
    // A document without its vector: reading it fails the page after the point in time was opened.
    EsLoader.send("PUT", "/" + index + "/_doc/novec?refresh=true", "{\"sample_id\": \"novec\"}".getBytes(),
        "application/json");
    long openBefore = openPointsInTime();

    ApiClient.Response failed = api.post("/v1/datasets/" + broken + "/similarity/run/embeddings", Map.of("pageSize", 10));
    assertThat(failed.status()).as(failed.body()).isGreaterThanOrEqualTo(500);
    assertThat(openPointsInTime()).isLessThanOrEqualTo(openBefore);
  }

  /** Open points in time on the node: finished listings of other tests may expire meanwhile, never open. */
  private static long openPointsInTime() {
    JsonNode nodes;
    try {
      nodes = Json.MAPPER.readTree(EsLoader.send("GET", "/_nodes/stats/indices/search", new byte[0],
          "application/json")).path("nodes");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long open = 0;
    for (JsonNode node : nodes) {
      open += node.path("indices").path("search").path("open_contexts").asLong();
    }
    return open;
  }

  @Test
  void aLastPageThatIsFullCarriesNoToken() {
    List<ApiClient.Response> pages = readAll(List.of(20));
    assertThat(pages).hasSize(3);
    assertThat(pages.get(2).json().path("embeddings")).hasSize(20);
    assertThat(pages.get(2).json().has("nextPageToken")).isFalse();

    List<ApiClient.Response> single = readAll(List.of(DOCS));
    assertThat(single).hasSize(1);
    assertThat(single.get(0).json().path("embeddings")).hasSize(DOCS);
    assertThat(single.get(0).json().has("nextPageToken")).isFalse();
  }

  @Test
  void thePageSizeMayChangeFromPageToPage() {
    List<ApiClient.Response> pages = readAll(List.of(7, 30, 1, 50));
    List<Integer> sizes = pages.stream().map(p -> p.json().path("embeddings").size()).toList();
    assertThat(sizes).containsExactly(7, 30, 1, 22);
    List<String> ids = new ArrayList<>();
    pages.forEach(p -> p.json().path("embeddings").forEach(e -> ids.add(e.path("id").asText())));
    assertThat(ids).doesNotHaveDuplicates().hasSize(DOCS);
  }

  /** Reads every page, the i-th with {@code sizes[i]} (the last size for the rest). */
  private List<ApiClient.Response> readAll(List<Integer> sizes) {
    return readAll(dataset, sizes);
  }

  private List<ApiClient.Response> readAll(String dataset, List<Integer> sizes) {
    List<ApiClient.Response> pages = new ArrayList<>();
    String token = null;
    do {
      Map<String, Object> body = new HashMap<>();
      body.put("pageSize", sizes.get(Math.min(pages.size(), sizes.size() - 1)));
      if (token != null) {
        body.put("pageToken", token);
      }
      ApiClient.Response page = api.post("/v1/datasets/" + dataset + "/similarity/run/embeddings", body);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      pages.add(page);
      JsonNode next = page.json().path("nextPageToken");
      token = next.isTextual() ? next.asText() : null;
      assertThat(pages).as("pages").hasSizeLessThan(DOCS + 2);
    } while (token != null);
    return pages;
  }
}
