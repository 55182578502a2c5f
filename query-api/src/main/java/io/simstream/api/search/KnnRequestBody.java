package io.simstream.api.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;

/**
 * The knn search body of a sort-by-similarity, public so that the bench sends exactly the same
 * request straight to Elasticsearch. The reference asks for
 * {@code num_candidates = 10 * k}, which Elasticsearch refuses past k = 1,000 (its cap is 10,000);
 * here it is clamped to [k, 10,000]. Maximum inner product is the hard case for HNSW (no triangle
 * inequality; int8 scores of unnormalised vectors rank poorly): on one segment of 3,000 clustered
 * 16-d vectors, innerproduct recall@10 measured 0.88-0.90 with 100 to 500 candidates and 1.0 with
 * 1,000, so that metric gets ten times the candidates. Quantized indexes rescore their best
 * {@code k * 3} candidates with the float vectors ({@code rescore_vector}), so the reported
 * distances are exact, not int8/bbq estimates (without rescoring, innerproduct recall fell to 0.42).
 */
public final class KnnRequestBody {
  private static final int MAX_NUM_CANDIDATES = 10_000;
  private static final int CANDIDATES_PER_HIT = 10;
  private static final int MIN_NUM_CANDIDATES = 100;
  /** How many times more candidates innerproduct gets. */
  private static final int INNER_PRODUCT_CANDIDATE_FACTOR = 10;
  /** Candidates rescored per hit on quantized indexes (Elasticsearch's own bbq default). */
  public static final double RESCORE_OVERSAMPLE = 3.0;

  private KnnRequestBody() {
  }

  /**
   * {@code negatedQuery}: the search is for -q (a reversed sort). -q lies where no documents are,
   * and HNSW reaches the documents nearest such a query poorly: on the clustered test set of 3,000
   * 16-d unit vectors (int8_hnsw, rescored), reverse cosine recall@10 with 100 candidates was 1.0
   * on Elasticsearch 8.19.21 but 0.86-0.985 on 9.5.4 (0.86 on one merged segment), 0.965-1.0 with
   * 300 and 1.0 with 1,000 candidates on both. So reverse searches get the innerproduct factor too.
   */
  public static int numCandidates(Metric metric, int k, boolean negatedQuery) {
    int factor = metric == Metric.INNERPRODUCT || negatedQuery ? INNER_PRODUCT_CANDIDATE_FACTOR : 1;
    return Math.min(MAX_NUM_CANDIDATES, Math.max(k, factor * Math.max(MIN_NUM_CANDIDATES, CANDIDATES_PER_HIT * k)));
  }

  /** The body the API sends for {@code run}; {@code filter} may be null. */
  public static ObjectNode of(SimilarityRun run, float[] query, boolean negatedQuery, int k, JsonNode filter) {
    ObjectNode body = of(query, k, numCandidates(run.metric(), k, negatedQuery),
        isQuantized(run.indexOptions()) ? RESCORE_OVERSAMPLE : 0);
    if (filter != null) {
      ((ObjectNode) body.get("knn")).set("filter", filter);
    }
    return body;
  }

  /** A body with explicit candidates; {@code oversample} 0 leaves rescoring out. */
  public static ObjectNode of(float[] query, int k, int numCandidates, double oversample) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", k).put("track_total_hits", false);
    body.putArray("_source").add(IndexMapping.SAMPLE_ID).add(IndexMapping.LABEL_ID);
    ObjectNode knn = body.putObject("knn");
    knn.put("field", IndexMapping.VECTOR).put("k", k).put("num_candidates", numCandidates);
    ArrayNode vector = knn.putArray("query_vector");
    for (float v : query) {
      vector.add(v);
    }
    if (oversample > 0) {
      knn.putObject("rescore_vector").put("oversample", oversample);
    }
    return body;
  }

  private static boolean isQuantized(String indexOptions) {
    return indexOptions != null && (indexOptions.startsWith("int") || indexOptions.startsWith("bbq"));
  }
}
