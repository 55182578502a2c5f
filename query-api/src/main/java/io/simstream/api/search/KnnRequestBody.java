package io.simstream.api.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;

/**
 * The knn search body of a sort-by-similarity, public so that the bench sends exactly the same
 * request straight to Elasticsearch. How many candidates it gathers and rescores is
 * {@link KnnEffort}'s decision; this class only writes the JSON.
 */
public final class KnnRequestBody {
  private KnnRequestBody() {
  }

  /** A body for {@code query}; {@code filter} may be null. */
  public static ObjectNode of(float[] query, int k, KnnEffort effort, JsonNode filter) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("size", k).put("track_total_hits", false);
    body.putArray("_source").add(IndexMapping.SAMPLE_ID).add(IndexMapping.LABEL_ID);
    ObjectNode knn = body.putObject("knn");
    knn.put("field", IndexMapping.VECTOR).put("k", k).put("num_candidates", effort.numCandidates());
    // The array itself, written by Jackson's float[] serializer: the same JSON as 512 FloatNodes in
    // an ArrayNode, without building them (their allocation and the node list's growth showed in a
    // JFR profile of the API's search path).
    knn.putPOJO("query_vector", query);
    if (effort.oversample() > 0) {
      knn.putObject("rescore_vector").put("oversample", effort.oversample());
    }
    if (filter != null) {
      knn.set("filter", filter);
    }
    return body;
  }
}
