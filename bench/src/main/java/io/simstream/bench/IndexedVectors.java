package io.simstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.json.Json;
import java.util.HashMap;
import java.util.Map;

/** Every document of an index as document id -> vector, read page by page in sample id order after a refresh. */
final class IndexedVectors {
  private static final int PAGE = 1_000;

  private IndexedVectors() {
  }

  /**
   * @param vectorsLeftOutOfSource Elasticsearch 9 leaves dense vectors out of _source unless asked;
   *                               8.19 does not know the option
   */
  static Map<String, float[]> read(DirectElasticsearch es, String index, boolean vectorsLeftOutOfSource) {
    es.refresh(index);
    Map<String, float[]> vectors = new HashMap<>();
    JsonNode after = null;
    while (true) {
      ObjectNode body = Json.MAPPER.createObjectNode().put("size", PAGE);
      body.putObject("query").putObject("match_all");
      body.putArray("sort").add(IndexMapping.SAMPLE_ID);
      if (vectorsLeftOutOfSource) {
        body.putObject("_source").put("exclude_vectors", false);
      }
      if (after != null) {
        body.set("search_after", after);
      }
      JsonNode hits = es.search(index, body).path("hits").path("hits");
      for (JsonNode hit : hits) {
        String id = hit.path("_id").asText();
        JsonNode source = hit.path("_source");
        // A document under another sample's id is as wrong as a wrong vector.
        boolean own = id.equals(source.path(IndexMapping.SAMPLE_ID).asText());
        vectors.put(id, own ? vector(source) : new float[0]);
        after = hit.path("sort");
      }
      if (hits.size() < PAGE) {
        return vectors;
      }
    }
  }

  private static float[] vector(JsonNode source) {
    JsonNode array = source.path(IndexMapping.VECTOR);
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) array.get(i).asDouble();
    }
    return vector;
  }
}
