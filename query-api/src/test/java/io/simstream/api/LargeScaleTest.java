package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.run.Metric;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Where the reference breaks: k past 1,000, id subsets past 65,536, listings past 10,000. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeScaleTest {
  private final ApiClient api = SharedApi.client();
  private final String dataset = "large-" + UUID.randomUUID().toString().substring(0, 8);
  private List<EsLoader.Doc> docs;

  @BeforeAll
  void loadTwentyThousandVectors() {
    assertThat(api.post("/v1/datasets", Map.of("name", dataset)).status()).isEqualTo(201);
    docs = VectorData.clustered("s", 20_000, Metric.COSINE, 1);
    EsLoader.load(createRun("big", "cosine"), docs);
  }

  @Test
  void kOfTenThousandOnTwentyThousandDocuments() {
    float[] query = VectorData.randomQuery(new Random(3));
    long start = System.nanoTime();
    ApiClient.Response response = api.post(path("big", "sort-by-similarity"), Map.of("vector", query, "k", 10_000));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().path("method").asText()).isEqualTo("exact-scan");
    List<String> ids = SimilaritySearchTest.ids(SimilaritySearchTest.list(response.json().path("hits")));
    assertThat(ids).hasSize(10_000).doesNotHaveDuplicates();
    double recall = VectorData.recall(ids, VectorData.exact(docs, Metric.COSINE, query, 10_000, false, d -> true));
    System.out.printf("k=10,000 of 20,000: recall %.4f in %d ms%n", recall, millis);
    assertThat(recall).isEqualTo(1.0);
  }

  /**
   * Reverse euclidean is an exact scan: here over two pages of Elasticsearch's result window, and
   * the answer must be the brute-force one, in order, with exact distances.
   */
  @Test
  void reverseEuclideanOnTwelveThousandDocumentsIsExact() {
    List<EsLoader.Doc> twelve = VectorData.clustered("f", 12_000, Metric.EUCLIDEAN, 4);
    EsLoader.load(createRun("far", "euclidean"), twelve);
    Random random = new Random(21);
    for (int q = 0; q < 3; q++) {
      float[] query = VectorData.randomQuery(random);
      long start = System.nanoTime();
      ApiClient.Response response = api.post(path("far", "sort-by-similarity"),
          Map.of("vector", query, "k", 25, "reverse", true));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(response.json().path("method").asText()).isEqualTo("exact-scan");
      List<JsonNode> hits = SimilaritySearchTest.list(response.json().path("hits"));
      List<VectorData.Scored> expected = VectorData.exact(twelve, Metric.EUCLIDEAN, query, 25, true, d -> true);
      assertThat(SimilaritySearchTest.ids(hits)).containsExactlyElementsOf(
          expected.stream().map(s -> s.doc().id()).toList());
      for (int i = 0; i < hits.size(); i++) {
        assertThat(hits.get(i).path("distance").asDouble()).isCloseTo(expected.get(i).distance(),
            within(1e-4));
      }
      System.out.printf("reverse euclidean, k=25 of 12,000: exact in %d ms%n", millis);
    }
  }

  @Test
  void defaultQueriesAreFast() {
    Random random = new Random(13);
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long start = System.nanoTime();
      ApiClient.Response response = api.post(path("big", "sort-by-similarity"),
          Map.of("vector", VectorData.randomQuery(random)));
      micros.add((System.nanoTime() - start) / 1000);
      assertThat(response.status()).isEqualTo(200);
    }
    List<Long> sorted = micros.subList(50, micros.size()).stream().sorted().toList();
    long p50 = sorted.get(sorted.size() / 2);
    long p95 = sorted.get(sorted.size() * 95 / 100);
    System.out.printf("k=10 on 20,000 docs over HTTP: p50 %.1f ms, p95 %.1f ms%n", p50 / 1000.0, p95 / 1000.0);
    assertThat(p95).isLessThan(1_000_000);
  }

  @Test
  void restrictionToOneHundredThousandIds() {
    // Every third indexed sample plus ids that are not in the index: 100,000 ids in all.
    List<String> restrict = new ArrayList<>();
    Set<String> indexed = new HashSet<>();
    for (int i = 0; i < docs.size(); i += 3) {
      restrict.add(docs.get(i).id());
      indexed.add(docs.get(i).id());
    }
    for (int i = 0; restrict.size() < 100_000; i++) {
      restrict.add("absent-" + i);
    }
    Random random = new Random(8);
    for (int q = 0; q < 3; q++) {
      float[] query = VectorData.randomQuery(random);
      long start = System.nanoTime();
      ApiClient.Response response = api.post(path("big", "sort-by-similarity"),
          Map.of("vector", query, "k", 50, "restrictIds", restrict));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      List<String> ids = SimilaritySearchTest.ids(SimilaritySearchTest.list(response.json().path("hits")));
      assertThat(ids).hasSize(50).allMatch(indexed::contains);
      double recall = VectorData.recall(ids, VectorData.exact(docs, Metric.COSINE, query, 50, false,
          d -> indexed.contains(d.id())));
      System.out.printf("restriction to 100,000 ids: recall@50 %.3f in %d ms%n", recall, millis);
      assertThat(recall).isGreaterThanOrEqualTo(0.95);
    }
  }

  @Test
  void getEmbeddingsPagesThroughFifteenThousandVectors() {
    List<EsLoader.Doc> fifteen = VectorData.clustered("e", 15_000, Metric.EUCLIDEAN, 2);
    EsLoader.load(createRun("emb", "euclidean"), fifteen);
    Map<String, float[]> expected = new HashMap<>();
    fifteen.forEach(d -> expected.put(d.id(), d.vector()));

    Map<String, float[]> read = new LinkedHashMap<>();
    String token = null;
    int pages = 0;
    long start = System.nanoTime();
    do {
      Map<String, Object> body = new HashMap<>();
      body.put("pageSize", 4000);
      if (token != null) {
        body.put("pageToken", token);
      }
      ApiClient.Response response = api.post(path("emb", "embeddings"), body);
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      for (JsonNode e : response.json().path("embeddings")) {
        float[] vector = new float[e.path("vector").size()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = (float) e.path("vector").get(i).asDouble();
        }
        assertThat(read.put(e.path("id").asText(), vector)).as("duplicate %s", e.path("id")).isNull();
      }
      token = response.json().path("nextPageToken").asText(null);
      pages++;
    } while (token != null);
    System.out.printf("all 15,000 embeddings in %d pages, %d ms%n", pages, (System.nanoTime() - start) / 1_000_000);
    assertThat(read.keySet()).isEqualTo(expected.keySet());
    read.forEach((id, vector) -> assertThat(vector).containsExactly(expected.get(id)));
    assertThat(pages).isEqualTo(4);
  }

  /**
   * Pages as large as Elasticsearch's result window (10,000) cannot read a document ahead; a probe
   * decides whether one follows: here after the first page, not after the second and last.
   */
  @Test
  void pagesOfTenThousandEndWhereTheIndexEnds() {
    ApiClient.Response first = api.post(path("big", "embeddings"), Map.of("pageSize", 10_000));
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().path("embeddings")).hasSize(10_000);
    ApiClient.Response last = api.post(path("big", "embeddings"), Map.of("pageSize", 10_000,
        "pageToken", first.json().path("nextPageToken").asText()));
    assertThat(last.status()).as(last.body()).isEqualTo(200);
    assertThat(last.json().path("embeddings")).hasSize(10_000);
    assertThat(last.json().has("nextPageToken")).isFalse();
  }

  private String createRun(String brainKey, String metric) {
    ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity",
        Map.of("brainKey", brainKey, "dims", VectorData.DIMS, "metric", metric));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().path("run").path("indexName").asText();
  }

  private String path(String brainKey, String action) {
    return "/v1/datasets/" + dataset + "/similarity/" + brainKey + "/" + action;
  }
}
