package io.simstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.api.http.ServerTiming;
import io.simstream.run.Metric;
import io.simstream.run.VectorMath;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every query kind and option on every metric, against exact neighbours computed here. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimilaritySearchTest {
  private static final int DOCS = 3000;
  private static final int QUERIES = 20;

  private final ApiClient api = SharedApi.client();
  private final String dataset = "search-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<Metric, List<EsLoader.Doc>> docs = new EnumMap<>(Metric.class);

  @BeforeAll
  void loadOneIndexPerMetric() {
    assertThat(api.post("/v1/datasets", Map.of("name", dataset)).status()).isEqualTo(201);
    for (Metric metric : Metric.values()) {
      // A graph index: the type whose knn falls short where the API scans instead (the int8_flat test below).
      ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity", Map.of("brainKey",
          metric.apiName(), "metric", metric.apiName(), "dims", VectorData.DIMS, "indexOptions", "int8_hnsw"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      List<EsLoader.Doc> loaded = VectorData.clustered("s", DOCS, metric, metric.ordinal());
      EsLoader.load(created.json().path("run").path("indexName").asText(), loaded);
      docs.put(metric, loaded);
    }
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void vectorQueriesFindTheExactNeighboursWithExactDistances(Metric metric) {
    Random random = new Random(42);
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      float[] query = VectorData.randomQuery(random);
      List<JsonNode> hits = search(metric, Map.of("vector", query));
      List<VectorData.Scored> expected = VectorData.exact(docs.get(metric), metric, query, 10, false, d -> true);
      recalls.add(VectorData.recall(ids(hits), expected));
      assertDistancesExact(metric, query, hits);
      assertOrdered(metric, hits, false);
    }
    assertRecall("vector", metric, recalls);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void idQueriesUseTheStoredVector(Metric metric) {
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      EsLoader.Doc doc = docs.get(metric).get(i * 97);
      List<JsonNode> hits = search(metric, Map.of("id", doc.id()));
      recalls.add(VectorData.recall(ids(hits), VectorData.exact(docs.get(metric), metric, doc.vector(), 10, false,
          d -> true)));
      assertDistancesExact(metric, doc.vector(), hits);
    }
    assertRecall("id", metric, recalls);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void idsQueriesUseTheMeanOfTheIdsThatExist(Metric metric) {
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      List<EsLoader.Doc> chosen = List.of(docs.get(metric).get(i), docs.get(metric).get(i + 500),
          docs.get(metric).get(i + 1000));
      List<String> ids = new ArrayList<>(chosen.stream().map(EsLoader.Doc::id).toList());
      ids.add("no-such-sample");
      float[] mean = VectorMath.mean(chosen.stream().map(EsLoader.Doc::vector).toList());
      List<JsonNode> hits = search(metric, Map.of("ids", ids));
      recalls.add(VectorData.recall(ids(hits), VectorData.exact(docs.get(metric), metric, mean, 10, false,
          d -> true)));
      assertDistancesExact(metric, mean, hits);
    }
    assertRecall("ids", metric, recalls);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void idsQueriesCountARepeatedIdAsOftenAsItIsGiven(Metric metric) {
    EsLoader.Doc twice = docs.get(metric).get(3);
    EsLoader.Doc once = docs.get(metric).get(1700);
    float[] mean = VectorMath.mean(List.of(twice.vector(), twice.vector(), once.vector()));
    List<JsonNode> hits = search(metric, Map.of("ids", List.of(twice.id(), twice.id(), once.id())));
    assertDistancesExact(metric, mean, hits);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void aQueryVectorTooShortForFloatArithmeticIsSearchedByItsDirection(Metric metric) {
    // Elasticsearch sums a cosine query's squares in float: 1e-30 squared is 0 there, and it refused the search.
    float[] query = VectorData.randomQuery(new Random(5));
    float[] tiny = new float[query.length];
    for (int i = 0; i < query.length; i++) {
      tiny[i] = query[i] * 1e-30f;
    }
    List<JsonNode> hits = search(metric, Map.of("vector", tiny));
    assertThat(hits).hasSize(10);
    assertOrdered(metric, hits, false);
    if (metric == Metric.COSINE || metric.normalizesVectors()) {
      // Only the direction counts for these: the same neighbours as the full-length query.
      assertThat(ids(hits)).isEqualTo(ids(search(metric, Map.of("vector", query))));
    }
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void vectorsQueriesUseTheirMean(Metric metric) {
    Random random = new Random(7);
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      List<float[]> vectors = List.of(VectorData.randomQuery(random), VectorData.randomQuery(random));
      float[] mean = VectorMath.mean(vectors);
      List<JsonNode> hits = search(metric, Map.of("vectors", vectors));
      recalls.add(VectorData.recall(ids(hits), VectorData.exact(docs.get(metric), metric, mean, 10, false,
          d -> true)));
      assertDistancesExact(metric, mean, hits);
    }
    assertRecall("vectors", metric, recalls);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void reverseReturnsTheLeastSimilarFirst(Metric metric) {
    Random random = new Random(11);
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      float[] query = VectorData.randomQuery(random);
      ApiClient.Response response = api.post(searchPath(metric), Map.of("vector", query, "k", 10, "reverse", true));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      List<JsonNode> hits = list(response.json().path("hits"));
      List<VectorData.Scored> expected = VectorData.exact(docs.get(metric), metric, query, 10, true, d -> true);
      // Every reversed sort is a scan (ExactScanRule), so the answer is the brute-force one, in order.
      assertThat(response.json().path("method").asText()).isEqualTo("exact-scan");
      assertThat(ids(hits)).containsExactlyElementsOf(expected.stream().map(s -> s.doc().id()).toList());
      recalls.add(VectorData.recall(ids(hits), expected));
      assertDistancesExact(metric, query, hits);
      assertOrdered(metric, hits, true);
    }
    assertRecall("reverse", metric, recalls);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void restrictionKeepsOnlyTheGivenSamples(Metric metric) {
    Set<String> subset = new HashSet<>();
    for (int i = 0; i < DOCS; i += 7) {
      subset.add("s" + i);
    }
    Random random = new Random(5);
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      float[] query = VectorData.randomQuery(random);
      List<JsonNode> hits = search(metric, Map.of("vector", query, "restrictIds", List.copyOf(subset)));
      assertThat(ids(hits)).allMatch(subset::contains).hasSize(10);
      recalls.add(VectorData.recall(ids(hits), VectorData.exact(docs.get(metric), metric, query, 10, false,
          d -> subset.contains(d.sampleId()))));
    }
    assertRecall("restricted", metric, recalls);
  }

  @ParameterizedTest
  @EnumSource(Metric.class)
  void exactAndNumCandidatesOptionsChooseTheMethod(Metric metric) {
    float[] query = VectorData.randomQuery(new Random(7));
    List<VectorData.Scored> expected = VectorData.exact(docs.get(metric), metric, query, 10, false, d -> true);
    ApiClient.Response exact = api.post(searchPath(metric), Map.of("vector", query, "exact", true));
    assertThat(exact.status()).as(exact.body()).isEqualTo(200);
    assertThat(exact.json().path("method").asText()).isEqualTo("exact-scan");
    assertThat(VectorData.recall(ids(list(exact.json().path("hits"))), expected)).isEqualTo(1.0);
    assertDistancesExact(metric, query, list(exact.json().path("hits")));
    // Every document a candidate: knn that has seen them all is exact too.
    ApiClient.Response wide = api.post(searchPath(metric), Map.of("vector", query, "numCandidates", DOCS));
    assertThat(wide.status()).as(wide.body()).isEqualTo(200);
    assertThat(wide.json().path("method").asText()).isEqualTo("knn");
    assertThat(VectorData.recall(ids(list(wide.json().path("hits"))), expected)).isEqualTo(1.0);
  }

  @Test
  void innerProductMeansAndReverseOnAnIndexThatComparesEveryVectorRunAsKnn() {
    // An int8_flat run: knn compares the query with every vector, so the API does not scan (ExactScanRule).
    ApiClient.Response created = api.post("/v1/datasets/" + dataset + "/similarity", Map.of("brainKey", "ip-flat",
        "metric", Metric.INNERPRODUCT.apiName(), "dims", VectorData.DIMS, "indexOptions", "int8_flat"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    List<EsLoader.Doc> flat = VectorData.clustered("f", DOCS, Metric.INNERPRODUCT, 11);
    EsLoader.load(created.json().path("run").path("indexName").asText(), flat);
    String path = "/v1/datasets/" + dataset + "/similarity/ip-flat/sort-by-similarity";
    List<Double> recalls = new ArrayList<>();
    for (int i = 0; i < QUERIES; i++) {
      List<EsLoader.Doc> chosen = List.of(flat.get(i), flat.get(i + 700), flat.get(i + 1400));
      float[] mean = VectorMath.mean(chosen.stream().map(EsLoader.Doc::vector).toList());
      ApiClient.Response response = api.post(path, Map.of("ids", chosen.stream().map(EsLoader.Doc::id).toList()));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      assertThat(response.json().path("method").asText()).isEqualTo("knn");
      List<JsonNode> hits = list(response.json().path("hits"));
      recalls.add(VectorData.recall(ids(hits), VectorData.exact(flat, Metric.INNERPRODUCT, mean, 10, false, d -> true)));
      for (JsonNode hit : hits) {
        EsLoader.Doc doc = flat.stream().filter(d -> d.id().equals(hit.path("id").asText())).findFirst().orElseThrow();
        double exact = Metric.INNERPRODUCT.distance(mean, doc.vector());
        assertThat(hit.path("distance").asDouble()).isCloseTo(exact, within(1e-4 * Math.max(1, Math.abs(exact))));
      }
    }
    // Every vector compared and the best 3 * k rescored in float: what a scan finds.
    assertThat(mean(recalls)).as("recall@10 of innerproduct means on int8_flat").isEqualTo(1.0);
    float[] query = VectorData.randomQuery(new Random(5));
    ApiClient.Response reverse = api.post(path, Map.of("vector", query, "reverse", true));
    assertThat(reverse.status()).as(reverse.body()).isEqualTo(200);
    assertThat(reverse.json().path("method").asText()).isEqualTo("knn");
    List<JsonNode> least = list(reverse.json().path("hits"));
    assertThat(VectorData.recall(ids(least), VectorData.exact(flat, Metric.INNERPRODUCT, query, 10, true, d -> true)))
        .isEqualTo(1.0);
    assertThat(least.get(0).path("distance").asDouble()).isCloseTo(Metric.INNERPRODUCT.distance(query,
        flat.stream().filter(d -> d.id().equals(least.get(0).path("id").asText())).findFirst().orElseThrow().vector()),
        within(1e-3));
  }

  @Test
  void serverTimingSaysHowMuchOfTheRequestWasElasticsearch() {
    String timing = "api;dur=(\\d+\\.\\d{2}), es;dur=(\\d+\\.\\d{2});desc=\"%s\", es-took;dur=(\\d+)";
    ApiClient.Response byVector = api.post(searchPath(Metric.COSINE),
        Map.of("vector", VectorData.randomQuery(new Random(3))));
    assertServerTiming(byVector, timing.formatted("1 call"));
    // An id query reads the stored vector first: two calls or more (9.x may need a second read for the vector).
    ApiClient.Response byId = api.post(searchPath(Metric.COSINE), Map.of("id", docs.get(Metric.COSINE).get(0).id()));
    assertServerTiming(byId, timing.formatted("[2-9] calls"));
    // Without Elasticsearch, the API's own time only.
    assertThat(api.get("/health").headers().firstValue(ServerTiming.HEADER)).hasValueSatisfying(
        header -> assertThat(header).matches("api;dur=\\d+\\.\\d{2}"));
  }

  private static void assertServerTiming(ApiClient.Response response, String pattern) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    String header = response.headers().firstValue(ServerTiming.HEADER).orElseThrow();
    Matcher matcher = Pattern.compile(pattern).matcher(header);
    assertThat(matcher.matches()).as(header).isTrue();
    double api = Double.parseDouble(matcher.group(1));
    double es = Double.parseDouble(matcher.group(2));
    // Both are measured in the API, the round trips within its own time; took is the server's part of them.
    assertThat(es).isPositive().isLessThanOrEqualTo(api);
    assertThat(Long.parseLong(matcher.group(3))).isLessThanOrEqualTo((long) Math.ceil(es));
  }

  private List<JsonNode> search(Metric metric, Map<String, Object> body) {
    ApiClient.Response response = api.post(searchPath(metric), body);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return list(response.json().path("hits"));
  }

  private String searchPath(Metric metric) {
    return "/v1/datasets/" + dataset + "/similarity/" + metric.apiName() + "/sort-by-similarity";
  }

  /** Every reported distance is the metric's own distance to the (normalised if needed) query. */
  private void assertDistancesExact(Metric metric, float[] query, List<JsonNode> hits) {
    float[] q = metric.normalizesVectors() ? VectorMath.normalized(query) : query;
    Map<String, EsLoader.Doc> byId = new HashMap<>();
    docs.get(metric).forEach(d -> byId.put(d.id(), d));
    for (JsonNode hit : hits) {
      double exact = metric.distance(q, byId.get(hit.path("id").asText()).vector());
      assertThat(hit.path("distance").asDouble()).as("distance of %s", hit).isCloseTo(exact,
          within(1e-4 * Math.max(1, Math.abs(exact))));
      assertThat(hit.path("sampleId").asText()).isEqualTo(hit.path("id").asText());
    }
  }

  private static void assertOrdered(Metric metric, List<JsonNode> hits, boolean reverse) {
    List<Double> distances = hits.stream().map(h -> h.path("distance").asDouble()).toList();
    boolean ascending = metric.smallerIsCloser() != reverse;
    for (int i = 1; i < distances.size(); i++) {
      double step = distances.get(i) - distances.get(i - 1);
      assertThat(ascending ? step : -step).as("order of %s", distances).isGreaterThanOrEqualTo(-1e-6);
    }
  }

  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  static List<String> ids(List<JsonNode> hits) {
    return hits.stream().map(h -> h.path("id").asText()).toList();
  }

  private static void assertRecall(String query, Metric metric, List<Double> recalls) {
    double recall = mean(recalls);
    System.out.printf("recall@10 %-10s %-12s %.3f%n", query, metric.apiName(), recall);
    assertThat(recall).as("%s recall@10 on %s", query, metric).isGreaterThanOrEqualTo(0.95);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
  }
}
