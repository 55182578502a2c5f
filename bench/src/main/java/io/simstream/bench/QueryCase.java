package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.search.KnnEffort;
import io.simstream.api.search.KnnRequestBody;
import io.simstream.api.search.QueryShape;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Case 3: sort-by-similarity through the API against the same knn request sent straight to
 * Elasticsearch, one client and {@link #CONCURRENT_CLIENTS} at a time; the recall table of every
 * query kind and metric ({@link RecallTable}); and the recall / latency trade-off of
 * num_candidates and rescore_vector.
 */
final class QueryCase implements BenchCase {
  static final String NAME = "query";
  static final int K = 10;
  static final double TARGET_P50_OVERHEAD_MS = 2.0;
  static final int CONCURRENT_CLIENTS = 32;
  static final int[] NUM_CANDIDATES = {50, 100, 200, 500, 1000};
  private static final int CLUSTERS = 64;
  private static final double SPREAD = 0.5;
  private static final int WARM_UP_QUERIES = 20;
  private static final Duration MAX_THROUGHPUT_RUN = Duration.ofSeconds(20);
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final String BRAIN_KEY = "vec";

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
    ExactNeighbours exact = new ExactNeighbours(Metric.COSINE, ids, docs);
    List<List<String>> truth = queries.stream().map(q -> exact.top(q, K)).toList();

    // An untimed throughput run first, so that the timed queries meet both paths compiled as a long-running
    // service's are (a few dozen queries leave the API's per-request code - Jetty, Javalin, Jackson, the
    // handler - interpreted or in C1, which costs the API path more than the direct one's thinner client),
    // and Elasticsearch past the refreshes and merges of the load.
    Duration throughputRun = Duration.ofSeconds(Math.min(MAX_THROUGHPUT_RUN.toSeconds(), scale.latencySeconds()));
    throughput(stack, dataset, index, queries, throughputRun);
    for (int i = 0; i < Math.min(WARM_UP_QUERIES, queries.size()); i++) {
      viaApi(stack, dataset, queries.get(i));
      viaJavaHttpClient(stack, dataset, queries.get(i));
      stack.es().search(index, likeTheApi(queries.get(i)));
    }
    List<Double> apiMs = new ArrayList<>();
    List<Double> javaClientMs = new ArrayList<>();
    List<Double> directMs = new ArrayList<>();
    List<Double> recalls = new ArrayList<>();
    List<ApiQueryClient.ServerTiming> timings = new ArrayList<>();
    int sameIds = 0;
    for (int n = 0; n < queries.size(); n++) {
      int i = n;
      List<String> viaApi;
      List<String> direct;
      // Alternating the order keeps either path from always running on caches the other warmed.
      if (i % 2 == 0) {
        viaApi = timed(apiMs, () -> viaApi(stack, dataset, queries.get(i), timings));
        direct = timed(directMs, () -> direct(stack, index, likeTheApi(queries.get(i))));
      } else {
        direct = timed(directMs, () -> direct(stack, index, likeTheApi(queries.get(i))));
        viaApi = timed(apiMs, () -> viaApi(stack, dataset, queries.get(i), timings));
      }
      timed(javaClientMs, () -> viaJavaHttpClient(stack, dataset, queries.get(i)));
      recalls.add(ExactNeighbours.recall(viaApi, truth.get(i)));
      sameIds += viaApi.equals(direct) ? 1 : 0;
    }
    double p50 = Stats.percentile(apiMs, 50);
    double directP50 = Stats.percentile(directMs, 50);
    double recall = Stats.mean(recalls);
    System.out.printf(Locale.ROOT, "query: API p50 %.2f ms p99 %.2f ms (java.net.http client p50 %.2f ms), direct p50 "
            + "%.2f ms p99 %.2f ms, recall@10 %.3f%n", p50, Stats.percentile(apiMs, 99),
        Stats.percentile(javaClientMs, 50), directP50, Stats.percentile(directMs, 99), recall);
    // Where the API's extra time goes: outside its handlers (HTTP), in them, or in its Elasticsearch call.
    System.out.printf(Locale.ROOT, "query: API's Server-Timing p50: api %.2f ms, es round trip %.2f ms, es took %.1f ms%n",
        Stats.percentile(timings.stream().map(ApiQueryClient.ServerTiming::api).toList(), 50),
        Stats.percentile(timings.stream().map(ApiQueryClient.ServerTiming::es).toList(), 50),
        Stats.percentile(timings.stream().map(ApiQueryClient.ServerTiming::took).toList(), 50));

    Throughput qps = throughput(stack, dataset, index, queries, throughputRun);
    double apiQps = qps.api();
    double directQps = qps.direct();
    System.out.printf(Locale.ROOT, "query: %d concurrent clients: API %.0f queries/s, direct %.0f queries/s%n",
        CONCURRENT_CLIENTS, apiQps, directQps);

    List<Figure> figures = new ArrayList<>(List.of(
        Figure.latency("query p50", p50, "direct knn p50", directP50,
            "difference <= " + TARGET_P50_OVERHEAD_MS + " ms", p50 - directP50 <= TARGET_P50_OVERHEAD_MS),
        Figure.latency("query p99", Stats.percentile(apiMs, 99), "direct knn p99", Stats.percentile(directMs, 99),
            null, null),
        Figure.of("query p50 through java.net.http's client", Figure.Kind.LATENCY, "ms",
            Stats.percentile(javaClientMs, 50)),
        Figure.throughput("queries/s, " + CONCURRENT_CLIENTS + " concurrent clients", "queries/s", apiQps,
            "direct knn", directQps, 0.8),
        Figure.of("recall@10 (API, " + IndexMapping.DEFAULT_INDEX_OPTIONS + ", by vector, 512-d)",
            Figure.Kind.QUALITY, "", recall),
        // The same request gives the same ids: below 1, the direct request no longer mirrors KnnSearch.
        Figure.of("API and direct knn returned the same ids", Figure.Kind.QUALITY, "",
            sameIds / (double) queries.size())));
    figures.addAll(tradeOff(stack, index, queries.subList(0, Math.min(scale.tradeoffQueries(), queries.size())),
        truth));
    stack.dropRun(dataset, BRAIN_KEY, index);

    List<RecallTable.Cell> cells = new RecallTable(stack, scale.recallQueries(), scale.recallIndexOptions())
        .measure(scale.recallSizes());
    figures.addAll(recallFigures(cells));
    KnnEffort byVector = KnnEffort.forQuery(Metric.COSINE, IndexMapping.DEFAULT_INDEX_OPTIONS, QueryShape.GIVEN, K);
    return new CaseResult(NAME, "Query: sort-by-similarity vs direct knn, recall of every query kind and metric, "
        + "num_candidates trade-off", figures,
        List.of(String.format(Locale.ROOT, "latency and throughput: %d clustered 512-d vectors (%d clusters, spread "
                + "%.1f), cosine, %s, filled through the indexer; %d timed queries per path after an untimed"
                + " throughput run and %d more warm-ups, API and direct alternated; throughput: %d clients for %d s per"
                + " path", docs.size(), CLUSTERS, SPREAD,
                IndexMapping.DEFAULT_INDEX_OPTIONS, queries.size(), WARM_UP_QUERIES, CONCURRENT_CLIENTS,
                throughputRun.toSeconds()),
            "API: POST sort-by-similarity {vector, k: " + K + "} over HTTP on the same Apache async client as the "
                + "direct calls (java.net.http's client shown apart); direct: the body KnnRequestBody builds for it "
                + "(num_candidates " + byVector.numCandidates() + ", rescore_vector oversample "
                + byVector.oversample() + ", no filter)",
            String.format(Locale.ROOT, "recall table: %s docs of clustered %d-d vectors per metric (%s, filled with "
                    + "bulk requests, then force-merged to one segment), %d queries per cell; mean of %d ids / %d vectors; restricted to every "
                    + "%dth document; recall@10 against brute force under the metric; 'previous rule' = 10 "
                    + "candidates per hit (>= 100, x10 for innerproduct and reverse), rescore x3, as knn "
                    + "also where the API now scans (ExactScanRule)",
                scale.recallSizes(), RecallTable.DIMS,
                scale.recallIndexOptions() == null ? IndexMapping.DEFAULT_INDEX_OPTIONS : scale.recallIndexOptions(),
                scale.recallQueries(), RecallTable.IDS_PER_MEAN,
                RecallTable.VECTORS_PER_MEAN, RecallTable.SUBSET_EVERY),
            "trade-off rows are direct knn on the 512-d index, " + scale.tradeoffQueries() + " queries each"));
  }

  private static List<Figure> recallFigures(List<RecallTable.Cell> cells) {
    List<Figure> figures = new ArrayList<>();
    double lowestMean = cells.stream().mapToDouble(RecallTable.Cell::recallMean).min().orElseThrow();
    double lowestQuery = cells.stream().mapToDouble(RecallTable.Cell::recallMin).min().orElseThrow();
    figures.add(Figure.of("recall@10, lowest mean of any kind x metric x size", Figure.Kind.QUALITY, "", lowestMean)
        .withTarget(">= " + RecallTable.TARGET_MEAN, lowestMean >= RecallTable.TARGET_MEAN).asHeadline());
    figures.add(Figure.of("recall@10, lowest single query", Figure.Kind.QUALITY, "", lowestQuery)
        .withTarget(">= " + RecallTable.TARGET_MIN, lowestQuery >= RecallTable.TARGET_MIN).asHeadline());
    for (RecallTable.Cell cell : cells) {
      figures.add(Figure.of("recall@10 mean, " + cell.name(), Figure.Kind.QUALITY, "", cell.recallMean()));
      figures.add(Figure.of("recall@10 min, " + cell.name(), Figure.Kind.QUALITY, "", cell.recallMin()));
      figures.add(Figure.of("recall@10 previous rule, " + cell.name(), Figure.Kind.QUALITY, "",
          cell.previousRuleRecall()));
      figures.add(cell.directP50() == null
          ? Figure.of("p50, " + cell.name() + " (exact scan)", Figure.Kind.LATENCY, "ms", cell.apiP50())
          : new Figure("p50, " + cell.name(), Figure.Kind.LATENCY, "ms", cell.apiP50(), "direct knn p50",
              cell.directP50(), cell.apiP50() - cell.directP50(), null, null, false));
    }
    return figures;
  }

  private record Throughput(double api, double direct) {
  }

  /** Queries per second with {@link #CONCURRENT_CLIENTS} clients through the API, then straight to Elasticsearch. */
  private static Throughput throughput(BenchStack stack, String dataset, String index, List<float[]> queries,
                                     Duration run) throws Exception {
    double api = ConcurrentThroughput.measure(CONCURRENT_CLIENTS, run,
        n -> viaApi(stack, dataset, queries.get(n % queries.size())));
    double direct = ConcurrentThroughput.measure(CONCURRENT_CLIENTS, run,
        n -> direct(stack, index, likeTheApi(queries.get(n % queries.size()))));
    return new Throughput(api, direct);
  }

  /** The request the API sends for this case's run (cosine, int8_hnsw, a given vector, no filter). */
  private static ObjectNode likeTheApi(float[] query) {
    return KnnRequestBody.of(query, K, KnnEffort.forQuery(Metric.COSINE, IndexMapping.DEFAULT_INDEX_OPTIONS, QueryShape.GIVEN, K), null);
  }

  private static String load(BenchStack stack, String dataset, List<String> ids, List<float[]> docs) {
    stack.api().registerDataset(dataset);
    String index = stack.api().createRun(dataset, BRAIN_KEY, SimilarityRun.PRECOMPUTED, IngestCase.DIMS,
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
    for (double oversample : new double[] {0, KnnEffort.RESCORE_OVERSAMPLE}) {
      for (int numCandidates : NUM_CANDIDATES) {
        List<Double> ms = new ArrayList<>();
        List<Double> recalls = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
          ObjectNode body = KnnRequestBody.of(queries.get(i), K, new KnnEffort(numCandidates, oversample), null);
          recalls.add(ExactNeighbours.recall(timed(ms, () -> direct(stack, index, body)), truth.get(i)));
        }
        String setting = "num_candidates " + numCandidates
            + (oversample > 0 ? ", rescore x" + (int) oversample : ", no rescore");
        figures.add(Figure.of("recall@10 " + setting, Figure.Kind.QUALITY, "", Stats.mean(recalls)));
        figures.add(Figure.of("p50 " + setting, Figure.Kind.LATENCY, "ms", Stats.percentile(ms, 50)));
        System.out.printf(Locale.ROOT, "  %s: recall@10 %.3f, p50 %.2f ms%n", setting, Stats.mean(recalls),
            Stats.percentile(ms, 50));
      }
    }
    return figures;
  }

  private static List<String> viaApi(BenchStack stack, String dataset, float[] query) {
    return sampleIds(stack.apiQueries().sortBySimilarity(dataset, BRAIN_KEY, Map.of("vector", query, "k", K)));
  }

  private static List<String> viaApi(BenchStack stack, String dataset, float[] query,
                                     List<ApiQueryClient.ServerTiming> timings) {
    ApiQueryClient.Answer answer = stack.apiQueries().timedSortBySimilarity(dataset, BRAIN_KEY,
        Map.of("vector", query, "k", K));
    timings.add(answer.timing());
    return sampleIds(answer.body());
  }

  private static List<String> viaJavaHttpClient(BenchStack stack, String dataset, float[] query) {
    return sampleIds(stack.api().sortBySimilarity(dataset, BRAIN_KEY, Map.of("vector", query, "k", K)));
  }

  private static List<String> sampleIds(JsonNode result) {
    List<String> found = new ArrayList<>(K);
    result.path("hits").forEach(hit -> found.add(hit.path("sampleId").asText()));
    return found;
  }

  static List<String> direct(BenchStack stack, String index, ObjectNode body) {
    List<String> found = new ArrayList<>(K);
    stack.es().search(index, body).path("hits").path("hits").forEach(hit -> found.add(hit.path("_id").asText()));
    return found;
  }

  static <T> T timed(List<Double> millis, Supplier<T> call) {
    long start = System.nanoTime();
    T result = call.get();
    millis.add((System.nanoTime() - start) / 1e9 * 1e3);
    return result;
  }
}
