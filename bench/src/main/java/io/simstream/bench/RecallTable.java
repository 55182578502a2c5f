package io.simstream.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.elasticsearch.IdFilters;
import io.simstream.api.search.ExactScanRule;
import io.simstream.api.search.KnnEffort;
import io.simstream.api.search.KnnRequestBody;
import io.simstream.api.search.QueryShape;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The query case's recall table: recall@10 of every query kind on every metric, at each of the
 * scale's sizes, through the API, with the p50 of the API beside that of the very knn body it
 * sends, sent straight to Elasticsearch. Each metric gets its own run and index, filled with
 * bulk requests of the documents the indexer writes (the query path is measured, not ingest).
 */
final class RecallTable {
  static final int DIMS = 128;
  static final int K = 10;
  static final double TARGET_MEAN = 0.99;
  static final double TARGET_MIN = 0.9;
  static final int IDS_PER_MEAN = 3;
  static final int VECTORS_PER_MEAN = 2;
  /** The restricted kind searches every SUBSET_EVERY-th document. */
  static final int SUBSET_EVERY = 20;
  private static final int CLUSTERS = 64;
  private static final double SPREAD = 0.5;
  private static final int WARM_UP_QUERIES = 10;
  /**
   * Queries per cell where the API scans: a scan is brute force, exact by construction, and at
   * 150,000 documents takes seconds, so a few queries confirm it and time it.
   */
  private static final int SCAN_QUERIES = 10;
  private static final int SCAN_WARM_UP_QUERIES = 2;
  private static final String BRAIN_KEY = "recall";
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

  enum Kind {
    BY_ID("by id"), BY_VECTOR("by vector"), MEAN_OF_IDS("mean of " + IDS_PER_MEAN + " ids"),
    MEAN_OF_VECTORS("mean of " + VECTORS_PER_MEAN + " vectors"), REVERSE("reverse"),
    RESTRICTED("restricted to 1/" + SUBSET_EVERY);

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /** One measured cell; {@code directP50} is null where the API scans instead of using knn ({@link ExactScanRule}). */
  record Cell(int size, Metric metric, Kind kind, double recallMean, double recallMin, double previousRuleRecall,
              double apiP50, Double directP50) {
    String name() {
      return String.format(Locale.ROOT, "%s, %s, %,d", kind.label, metric.apiName(), size);
    }
  }

  /** One query: the API request, the vector the API searches for, and the exact answer. */
  private record Probe(Map<String, Object> request, ObjectNode directBody, ObjectNode previousRuleBody,
                       List<String> truth) {
  }

  private final BenchStack stack;
  private final int queriesPerCell;
  /** The runs' index options: the API's default unless the bench was told otherwise. */
  private final String indexOptions;

  RecallTable(BenchStack stack, int queriesPerCell, String indexOptions) {
    this.stack = stack;
    this.queriesPerCell = queriesPerCell;
    this.indexOptions = indexOptions == null ? IndexMapping.DEFAULT_INDEX_OPTIONS : indexOptions;
  }

  List<Cell> measure(List<Integer> sizes) throws Exception {
    List<Cell> cells = new ArrayList<>();
    for (int size : sizes) {
      VectorGenerator generator = new VectorGenerator(size, DIMS);
      List<float[]> centres = generator.gaussian(CLUSTERS);
      List<float[]> docs = VectorGenerator.clustered(generator, centres, size, SPREAD);
      List<float[]> fresh = VectorGenerator.clustered(generator, centres, queriesPerCell * VECTORS_PER_MEAN, SPREAD);
      List<String> ids = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        ids.add(SampleEvents.sampleId("r", i));
      }
      for (Metric metric : Metric.values()) {
        cells.addAll(measure(metric, ids, docs, fresh));
      }
    }
    return cells;
  }

  private List<Cell> measure(Metric metric, List<String> ids, List<float[]> docs, List<float[]> fresh)
      throws Exception {
    List<float[]> stored = metric.normalizesVectors() ? docs.stream().map(VectorMath::normalized).toList() : docs;
    String dataset = stack.uniqueName("recall");
    stack.api().registerDataset(dataset);
    // By default no index options: the run gets the API's default, which is what a user measures.
    String index = stack.api().createRun(dataset, BRAIN_KEY, SimilarityRun.PRECOMPUTED, metric, DIMS,
        indexOptions.equals(IndexMapping.DEFAULT_INDEX_OPTIONS) ? null : indexOptions);
    new RawBulkLoader(stack.es()).fill(index, ids, stored);
    Searchable.await(stack.es(), index, ids.size(), LOAD_TIMEOUT);
    // knn gathers num_candidates per segment, so many small segments flatter recall: one is the worst case.
    int segments = stack.es().forceMergeToOneSegment(index);
    System.out.printf(Locale.ROOT, "  recall table: %s, %,d docs, %s, %d segment(s) after force-merge%n",
        metric.apiName(), ids.size(), indexOptions, segments);

    ExactNeighbours exact = new ExactNeighbours(metric, ids, stored);
    List<Cell> cells = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      List<Probe> probes = probes(kind, metric, ids, stored, fresh, exact);
      boolean scans = probes.get(0).directBody() == null;
      if (scans) {
        probes = probes.subList(0, Math.min(SCAN_QUERIES, probes.size()));
      }
      for (int i = 0; i < Math.min(scans ? SCAN_WARM_UP_QUERIES : WARM_UP_QUERIES, probes.size()); i++) {
        viaApi(dataset, probes.get(i));
      }
      List<Double> apiMs = new ArrayList<>();
      List<Double> directMs = new ArrayList<>();
      List<Double> recalls = new ArrayList<>();
      List<Double> previousRecalls = new ArrayList<>();
      for (int i = 0; i < probes.size(); i++) {
        Probe probe = probes.get(i);
        List<String> found;
        // Alternating the order keeps either path from always running on caches the other warmed.
        if (i % 2 == 0 || probe.directBody() == null) {
          found = QueryCase.timed(apiMs, () -> viaApi(dataset, probe));
          directIfAny(index, probe, directMs);
        } else {
          directIfAny(index, probe, directMs);
          found = QueryCase.timed(apiMs, () -> viaApi(dataset, probe));
        }
        recalls.add(ExactNeighbours.recall(found, probe.truth()));
        previousRecalls.add(probe.previousRuleBody() == null ? 1.0
            : ExactNeighbours.recall(QueryCase.direct(stack, index, probe.previousRuleBody()), probe.truth()));
      }
      Cell cell = new Cell(ids.size(), metric, kind, Stats.mean(recalls),
          recalls.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), Stats.mean(previousRecalls),
          Stats.percentile(apiMs, 50), directMs.isEmpty() ? null : Stats.percentile(directMs, 50));
      System.out.printf(Locale.ROOT, "  recall@10 %-40s mean %.3f min %.1f (previous rule %.3f) over %d queries;"
              + " p50 API %.2f ms, direct %s%n", cell.name(), cell.recallMean(), cell.recallMin(),
          cell.previousRuleRecall(), probes.size(),
          cell.apiP50(), cell.directP50() == null ? "n/a (exact scan)" : String.format(Locale.ROOT, "%.2f ms",
              cell.directP50()));
      cells.add(cell);
    }
    stack.dropRun(dataset, BRAIN_KEY, index);
    return cells;
  }

  private void directIfAny(String index, Probe probe, List<Double> directMs) {
    if (probe.directBody() != null) {
      QueryCase.timed(directMs, () -> QueryCase.direct(stack, index, probe.directBody()));
    }
  }

  private List<String> viaApi(String dataset, Probe probe) {
    List<String> found = new ArrayList<>(K);
    stack.apiQueries().sortBySimilarity(dataset, BRAIN_KEY, probe.request()).path("hits")
        .forEach(hit -> found.add(hit.path("sampleId").asText()));
    return found;
  }

  /** The queries of one cell, from a seed of their own so that every metric gets the same ones. */
  private List<Probe> probes(Kind kind, Metric metric, List<String> ids, List<float[]> stored,
                            List<float[]> fresh, ExactNeighbours exact) {
    Random random = new Random(kind.ordinal());
    int[] subset = new int[(ids.size() + SUBSET_EVERY - 1) / SUBSET_EVERY];
    List<String> subsetIds = new ArrayList<>(subset.length);
    for (int n = 0; n < subset.length; n++) {
      subset[n] = n * SUBSET_EVERY;
      subsetIds.add(ids.get(subset[n]));
    }
    List<Probe> probes = new ArrayList<>(queriesPerCell);
    for (int q = 0; q < queriesPerCell; q++) {
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("k", K);
      float[] vector;
      QueryShape shape;
      switch (kind) {
        case BY_ID -> {
          int doc = random.nextInt(ids.size());
          request.put("id", ids.get(doc));
          vector = stored.get(doc);
          shape = QueryShape.STORED;
        }
        case MEAN_OF_IDS -> {
          List<String> chosen = new ArrayList<>();
          List<float[]> vectors = new ArrayList<>();
          // Distinct ids: the API looks them up as a set, so a repeated id would weigh once, not twice.
          while (chosen.size() < IDS_PER_MEAN) {
            int doc = random.nextInt(ids.size());
            if (!chosen.contains(ids.get(doc))) {
              chosen.add(ids.get(doc));
              vectors.add(stored.get(doc));
            }
          }
          request.put("ids", chosen);
          vector = VectorMath.mean(vectors);
          shape = QueryShape.MEAN;
        }
        case MEAN_OF_VECTORS -> {
          List<float[]> vectors = fresh.subList(q * VECTORS_PER_MEAN, (q + 1) * VECTORS_PER_MEAN);
          request.put("vectors", vectors);
          vector = VectorMath.mean(vectors);
          shape = QueryShape.MEAN;
        }
        default -> {
          vector = fresh.get(q);
          request.put("vector", vector);
          shape = QueryShape.GIVEN;
        }
      }
      if (metric.normalizesVectors()) {
        vector = VectorMath.normalized(vector);
      }
      boolean reverse = kind == Kind.REVERSE;
      // As the API decides: knn unless it cannot express the query or falls short of the target.
      boolean knnCanExpress = !ExactScanRule.knnCannotExpress(metric, reverse);
      boolean knn = knnCanExpress && !ExactScanRule.knnFallsShort(metric, indexOptions, shape, reverse);
      ObjectNode filter = null;
      if (reverse) {
        request.put("reverse", true);
        vector = VectorMath.negated(vector);
        shape = QueryShape.NEGATED;
      }
      if (kind == Kind.RESTRICTED) {
        request.put("restrictIds", subsetIds);
        filter = restriction(subsetIds);
      }
      // The truth is for the user's query; the knn bodies search what the API searches (-q when reversed).
      List<String> truth = exact.top(reverse ? VectorMath.negated(vector) : vector, K, reverse,
          kind == Kind.RESTRICTED ? subset : null);
      // Where the API scans, the previous rule's knn still shows what knn would have given.
      probes.add(new Probe(request,
          knn ? KnnRequestBody.of(vector, K, KnnEffort.forQuery(metric, indexOptions, shape, K), filter) : null,
          knnCanExpress ? KnnRequestBody.of(vector, K, previousRule(metric, shape), filter) : null, truth));
    }
    return probes;
  }

  /**
   * The API's rule before this table existed, for the before/after column: 10 candidates per hit,
   * at least 100, ten times that for innerproduct and reversed sorts; rescoring x3.
   */
  private static KnnEffort previousRule(Metric metric, QueryShape shape) {
    int factor = metric == Metric.INNERPRODUCT || shape == QueryShape.NEGATED ? 10 : 1;
    return new KnnEffort(factor * Math.max(100, 10 * K), KnnEffort.RESCORE_OVERSAMPLE);
  }

  /** The filter the API builds for restrictIds. */
  private static ObjectNode restriction(List<String> subsetIds) {
    ObjectNode bool = Json.MAPPER.createObjectNode();
    ArrayNode clauses = bool.putObject("bool").putArray("filter");
    clauses.add(IdFilters.anyOf(IndexMapping.SAMPLE_ID, subsetIds));
    return bool;
  }
}
