package io.simstream.api.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.api.elasticsearch.ElasticsearchGateway;
import io.simstream.api.elasticsearch.ElasticsearchStatusException;
import io.simstream.api.elasticsearch.IdFilters;
import io.simstream.api.elasticsearch.IndexScanner;
import io.simstream.api.elasticsearch.VectorIndexAdmin;
import io.simstream.api.elasticsearch.VectorLookup;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.error.NotFoundException;
import io.simstream.api.model.EmbeddingModels;
import io.simstream.api.run.RunService;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import io.simstream.run.VectorMath;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Sort by similarity. Beyond the reference: k up to 10,000, reverse order, and restriction to
 * subsets of any size.
 *
 * <p>Reverse order is an exact scan by default ({@link ExactScanRule}: knn for -q measured below the
 * recall target). With a client's numCandidates, cosine, dotproduct and innerproduct run knn for -q:
 * the documents most similar to -q are exactly the least similar to q (each of these similarities is
 * linear in q), and the distance to q follows from the distance to -q. Euclidean has no such
 * identity and is always a scan.
 *
 * <p>Large k: past k = 1,000 knn cannot gather 10 candidates per hit under Elasticsearch's
 * num_candidates cap (recall at k = 10,000 of 20,000 documents measured 0.90), so unless the
 * client set numCandidates, when at most
 * {@link #EXACT_SCAN_MAX_DOCS} documents match, an exact scan answers instead: exact, in about the
 * same time (k = 10,000 of 20,000 16-d vectors on 2 cores, over HTTP: scan 0.8-3.1 s across runs,
 * knn 2.0 s).
 */
public final class SimilaritySearchService {
  public static final int DEFAULT_K = 10;
  /** knn keeps 10 candidates per hit up to this k; beyond it an exact scan is preferred. */
  static final int KNN_FULL_OVERSAMPLING_MAX_K = 1_000;
  /** The largest number of matching documents read by a large-k exact scan. */
  static final long EXACT_SCAN_MAX_DOCS = 100_000;

  private final RunService runs;
  private final QueryVectorResolver queries;
  private final KnnSearch knn;
  private final ExactScan exactScan;
  private final VectorIndexAdmin indexes;

  public SimilaritySearchService(RunService runs, ElasticsearchGateway es, EmbeddingModels models) {
    this.runs = runs;
    this.queries = new QueryVectorResolver(new VectorLookup(es), models);
    this.knn = new KnnSearch(es);
    this.exactScan = new ExactScan(new IndexScanner(es));
    this.indexes = new VectorIndexAdmin(es);
  }

  public SimilarityResult sortBySimilarity(String dataset, String brainKey, SortBySimilarityRequest request) {
    SimilarityRun run = runs.require(dataset, brainKey);
    int k = request.k() == null ? DEFAULT_K : request.k();
    if (k < 1 || k > KnnSearch.MAX_K) {
      throw new BadRequestException("k must be in 1.." + KnnSearch.MAX_K + ", got " + k);
    }
    boolean reverse = Boolean.TRUE.equals(request.reverse());
    if (request.restrictLabelIds() != null && !run.indexesPatches()) {
      throw new BadRequestException("restrictLabelIds applies to patch runs only; run '" + run.key()
          + "' indexes whole samples");
    }
    boolean exactAsked = Boolean.TRUE.equals(request.exact());
    Integer numCandidates = request.numCandidates();
    if (numCandidates != null && (numCandidates < k || numCandidates > KnnEffort.MAX_NUM_CANDIDATES)) {
      throw new BadRequestException("numCandidates must be in k.." + KnnEffort.MAX_NUM_CANDIDATES + " (k = " + k
          + "), got " + numCandidates);
    }
    if (numCandidates != null && exactAsked) {
      throw new BadRequestException("numCandidates applies to knn searches; exact: true compares every vector");
    }
    QueryVectorResolver.Resolved query = queries.resolve(run, request);
    if (isEmpty(request.restrictIds()) || isEmpty(request.restrictLabelIds())) {
      // Nothing to search among, but a missing index answers 404 whatever the restriction.
      if (indexes.count(run.indexName()).isEmpty()) {
        throw indexMissing(run);
      }
      return new SimilarityResult(dataset, brainKey, run.metric(), k, reverse, "knn", List.of());
    }
    JsonNode filter = restriction(request);
    try {
      // A client's numCandidates asks for knn, so it also skips the automatic scans.
      boolean exact = exactAsked || ExactScanRule.knnCannotExpress(run.metric(), reverse)
          || numCandidates == null && ExactScanRule.knnFallsShort(run.metric(), run.indexOptions(), query.shape(), reverse)
          || numCandidates == null && k > KNN_FULL_OVERSAMPLING_MAX_K
          && indexes.count(run.indexName(), filter) <= EXACT_SCAN_MAX_DOCS;
      List<SimilarityHit> hits = exact
          ? exactScan.top(run.indexName(), run.metric(), query.vector(), k, filter, reverse)
          : knn.search(run, reverse ? VectorMath.negated(query.vector()) : query.vector(),
              effort(run, reverse ? QueryShape.NEGATED : query.shape(), k, numCandidates), k, filter,
              distanceOf(run.metric(), reverse));
      return new SimilarityResult(dataset, brainKey, run.metric(), k, reverse, exact ? "exact-scan" : "knn", hits);
    } catch (ElasticsearchStatusException e) {
      if (e.elasticsearchStatus() == 404) {
        throw indexMissing(run);
      }
      throw e;
    }
  }

  private static NotFoundException indexMissing(SimilarityRun run) {
    return new NotFoundException("index '" + run.indexName() + "' of run '" + run.key() + "' does not exist");
  }

  private static KnnEffort effort(SimilarityRun run, QueryShape shape, int k, Integer numCandidates) {
    KnnEffort rule = KnnEffort.forQuery(run.metric(), run.indexOptions(), shape, k);
    return numCandidates == null ? rule : rule.withCandidates(numCandidates, k);
  }

  /**
   * Score to distance to q. When the search ran for -q: cosine distance to q is 2 - (distance to
   * -q), and the two products change sign.
   */
  private static DoubleUnaryOperator distanceOf(Metric metric, boolean negatedQuery) {
    if (!negatedQuery) {
      return metric::distanceFromScore;
    }
    return score -> metric == Metric.COSINE ? 2.0 - metric.distanceFromScore(score) : -metric.distanceFromScore(score);
  }

  private static JsonNode restriction(SortBySimilarityRequest request) {
    ArrayNode clauses = Json.MAPPER.createArrayNode();
    if (request.restrictIds() != null) {
      clauses.add(IdFilters.anyOf(IndexMapping.SAMPLE_ID, request.restrictIds()));
    }
    if (request.restrictLabelIds() != null) {
      clauses.add(IdFilters.anyOf(IndexMapping.LABEL_ID, request.restrictLabelIds()));
    }
    if (clauses.isEmpty()) {
      return null;
    }
    ObjectNode bool = Json.MAPPER.createObjectNode();
    bool.putObject("bool").set("filter", clauses);
    return bool;
  }

  private static boolean isEmpty(List<String> ids) {
    return ids != null && ids.isEmpty();
  }
}
