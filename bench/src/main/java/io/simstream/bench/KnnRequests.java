package io.simstream.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;

/**
 * knn search bodies sent straight to Elasticsearch. {@link #likeTheApi} restates the request that
 * query-api's KnnSearch builds for a forward cosine query (KnnSearch is package-private, so its rules
 * are copied here): size k, no total hits, sample_id and label_id from the source,
 * num_candidates = clamp(max(100, 10 k), k, 10,000) and, on quantized indexes, rescore_vector with
 * oversample 3. The query case checks that both return the same ids, which catches a drift.
 */
final class KnnRequests {
  static final double API_RESCORE_OVERSAMPLE = 3.0;

  private KnnRequests() {
  }

  static int apiNumCandidates(int k) {
    return Math.min(10_000, Math.max(k, Math.max(100, 10 * k)));
  }

  static ObjectNode likeTheApi(float[] query, int k) {
    return knn(query, k, apiNumCandidates(k), API_RESCORE_OVERSAMPLE);
  }

  /** {@code oversample} 0 leaves rescore_vector out. */
  static ObjectNode knn(float[] query, int k, int numCandidates, double oversample) {
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
}
