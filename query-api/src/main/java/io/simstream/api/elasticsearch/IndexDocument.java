package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.IndexMapping;

/** One document of a similarity index: its id (sample or label id), sample id, label id, vector. */
public record IndexDocument(String id, String sampleId, String labelId, float[] vector) {

  /** Reads a search hit or mget doc whose _source holds the vector. */
  public static IndexDocument fromHit(JsonNode hit) {
    JsonNode source = hit.path("_source");
    JsonNode labelId = source.path(IndexMapping.LABEL_ID);
    return new IndexDocument(hit.path("_id").asText(), source.path(IndexMapping.SAMPLE_ID).asText(null),
        labelId.isTextual() ? labelId.asText() : null, vector(source.path(IndexMapping.VECTOR)));
  }

  private static float[] vector(JsonNode array) {
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) array.get(i).asDouble();
    }
    return vector;
  }
}
