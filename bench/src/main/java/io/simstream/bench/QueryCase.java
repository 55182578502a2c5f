package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.search.KnnRequestBody;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Case 3: sort-by-similarity through the API against the same knn request sent straight to
 * Elasticsearch; recall@10 against brute force; and the recall / latency trade-off of
 * num_candidates and rescore_vector.
 */
final class QueryCase implements BenchCase {
  static final String NAME = "query";
  static final int K = 10;
  static final double TARGET_P50_OVERHEAD_MS = 2.0;
  static final int[] NUM_CANDIDATES = {50, 100, 200, 500};
  private static final int CLUSTERS = 64;
  private static final double SPREAD = 0.5;
  private static final int WARM_UP_QUERIES = 20;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CaseResult run(BenchStack stack, Scale scale) throws Exception {
    VectorGenerator generator = new VectorGenerator(11, IngestCase.DIMS);
    List<float[]> centres = generator.gaussian(CLUSTERS);
    List<float[]> docs = VectorGenerator.clustered(generator, centres, scale.queryDocs(), SPREAD);
    List<float[]> queries = VectorGenerator.clustered(generator, centres, scale.queries(), SPREAD);
    List<String> ids = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      ids.add(SampleEvents.sampleId("s", i));
    }
    String dataset = stack.uniqueName("query");
    String index = load(stack, dataset, ids, docs);
    ExactNeighbours exact = new ExactNeighbours(ids, docs);
    List<List<String>> truth = queries.stream().map(q -> exact.top(q, K)).toList();

    for (int i = 0; i < Math.min(WARM_UP_QUERIES, queries.size()); i++) {
      viaApi(stack, dataset, queries.get(i));
      stack.es().search(index, likeTheApi(queries.get(i)));
    }
    List<Double> apiMs = new ArrayList<>();
    List<Double> directMs = new ArrayList<>();
    List<Double> recalls = new ArrayList<>();
    int sameIds = 0;
    for (int n = 0; n < queries.size(); n++) {
      int i = n;
      List<String> viaApi;
      List<String> direct;
      // Alternating the order keeps either path from always running on caches the other warmed.
      if (i % 2 == 0) {
        viaApi = timed(apiMs, () -> viaApi(stack, dataset, queries.get(i)));
        direct = timed(directMs, () -> direct(stack, index, likeTheApi(queries.get(i))));
      } else {
        direct = timed(directMs, () -> direct(stack, index, likeTheApi(queries.get(i))));
        viaApi = timed(apiMs, () -> viaApi(stack, dataset, queries.get(i)));
      }
      recalls.add(ExactNeighbours.recall(viaApi, truth.get(i)));
      sameIds += viaApi.equals(direct) ? 1 : 0;
    }
    double p50 = Stats.percentile(apiMs, 50);
    double directP50 = Stats.percentile(directMs, 50);
    double recall = Stats.mean(recalls);
    System.out.printf("query: API p50 %.2f ms p99 %.2f ms, direct p50 %.2f ms p99 %.2f ms, recall@10 %.3f%n", p50,
        Stats.percentile(apiMs, 99), directP50, Stats.percentile(directMs, 99), recall);

    List<Figure> figures = new ArrayList<>(List.of(
        Figure.latency("query p50", p50, "direct knn p50", directP50,
            "difference <= " + TARGET_P50_OVERHEAD_MS + " ms", p50 - directP50 <= TARGET_P50_OVERHEAD_MS),
        Figure.latency("query p99", Stats.percentile(apiMs, 99), "direct knn p99", Stats.percentile(directMs, 99),
            null, null),
        Figure.of("recall@10 (API, " + IndexMapping.DEFAULT_INDEX_OPTIONS + ")", Figure.Kind.QUALITY, "", recall)
            .asHeadline(),
        // The same request gives the same ids: below 1, the direct request no longer mirrors KnnSearch.
        Figure.of("API and direct knn returned the same ids", Figure.Kind.QUALITY, "",
            sameIds / (double) queries.size())));
    figures.addAll(tradeOff(stack, index, queries.subList(0, Math.min(scale.tradeoffQueries(), queries.size())),
        truth));
    stack.dropRun(dataset, "vec", index);
    return new CaseResult(NAME, "Query: sort-by-similarity vs direct knn, recall, num_candidates trade-off", figures,
        List.of(String.format("%d clustered 512-d vectors (%d clusters, spread %.1f), cosine, %s; %d timed queries "
                + "per path after %d warm-ups, API and direct alternated", docs.size(), CLUSTERS, SPREAD,
                IndexMapping.DEFAULT_INDEX_OPTIONS, queries.size(), WARM_UP_QUERIES),
            "API: POST sort-by-similarity {vector, k: " + K + "} over HTTP; direct: the body KnnRequestBody builds for it "
                + "(num_candidates "
                + KnnRequestBody.numCandidates(Metric.COSINE, K, false) + ", rescore_vector oversample "
                + (int) KnnRequestBody.RESCORE_OVERSAMPLE + ", no filter) on the same REST client",
            "recall@10: share of the brute-force cosine top 10 returned; trade-off rows are direct knn, "
                + scale.tradeoffQueries() + " queries each"));
  }

  /** The request the API sends for this case's run (cosine, int8_hnsw, no filter). */
  private static ObjectNode likeTheApi(float[] query) {
    return KnnRequestBody.of(query, K, KnnRequestBody.numCandidates(Metric.COSINE, K, false),
        KnnRequestBody.RESCORE_OVERSAMPLE);
  }

  private static String load(BenchStack stack, String dataset, List<String> ids, List<float[]> docs) {
    stack.api().registerDataset(dataset);
    String index = stack.api().createRun(dataset, "vec", SimilarityRun.PRECOMPUTED, IngestCase.DIMS,
        IndexMapping.DEFAULT_INDEX_OPTIONS);
    List<SampleEvents.Encoded> events = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      events.add(SampleEvents.withVector(dataset, ids.get(i), docs.get(i)));
    }
    new Pipeline(stack).ingest(index, events, docs.size(), TIMEOUT);
    return index;
  }

  private static List<Figure> tradeOff(BenchStack stack, String index, List<float[]> queries,
                                       List<List<String>> truth) {
    List<Figure> figures = new ArrayList<>();
    for (double oversample : new double[] {0, KnnRequestBody.RESCORE_OVERSAMPLE}) {
      for (int numCandidates : NUM_CANDIDATES) {
        List<Double> ms = new ArrayList<>();
        List<Double> recalls = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
          ObjectNode body = KnnRequestBody.of(queries.get(i), K, numCandidates, oversample);
          recalls.add(ExactNeighbours.recall(timed(ms, () -> direct(stack, index, body)), truth.get(i)));
        }
        String setting = "num_candidates " + numCandidates
            + (oversample > 0 ? ", rescore x" + (int) oversample : ", no rescore");
        figures.add(Figure.of("recall@10 " + setting, Figure.Kind.QUALITY, "", Stats.mean(recalls)));
        figures.add(Figure.of("p50 " + setting, Figure.Kind.LATENCY, "ms", Stats.percentile(ms, 50)));
        System.out.printf("  %s: recall@10 %.3f, p50 %.2f ms%n", setting, Stats.mean(recalls),
            Stats.percentile(ms, 50));
      }
    }
    return figures;
  }

  private static List<String> viaApi(BenchStack stack, String dataset, float[] query) {
    JsonNode result = stack.api().sortBySimilarity(dataset, "vec", Map.of("vector", query, "k", K));
    List<String> found = new ArrayList<>(K);
    result.path("hits").forEach(hit -> found.add(hit.path("sampleId").asText()));
    return found;
  }

  private static List<String> direct(BenchStack stack, String index, ObjectNode body) {
    List<String> found = new ArrayList<>(K);
    stack.es().search(index, body).path("hits").path("hits").forEach(hit -> found.add(hit.path("_id").asText()));
    return found;
  }

  private static <T> T timed(List<Double> millis, Supplier<T> call) {
    long start = System.nanoTime();
    T result = call.get();
    millis.add((System.nanoTime() - start) / 1e6);
    return result;
  }
}
