package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.simstream.elasticsearch.IndexMapping;
import io.simstream.event.EventVectors;
import java.util.List;

/**
 * One document of a similarity index as the API reports it: its id (the sample id, or the label id of
 * a patch, not the patch document's own id), sample id, label id, vector.
 */
public record IndexDocument(String id, String sampleId, String labelId, float[] vector) {

  /** The source fields a reader asks for (the vector named explicitly: see {@link #hasVector}). */
  public static final List<String> SOURCE_FIELDS = List.of(IndexMapping.SAMPLE_ID, IndexMapping.LABEL_ID,
      IndexMapping.VECTOR);

  /**
   * Asks a search for the whole {@code _source} (the mapping is strict: it holds only
   * {@link #SOURCE_FIELDS} and the small {@link DocumentSummary} object), with the 9.x option that
   * keeps vectors in it when needed. A list of includes makes Elasticsearch parse and rewrite every
   * source, 3-5x longer for 10,000 128-d vectors.
   */
  public static void requestWholeSource(ObjectNode searchBody, boolean sourceVectorsOption) {
    if (sourceVectorsOption) {
      searchBody.putObject("_source").put("exclude_vectors", false);
    } else {
      searchBody.put("_source", true);
    }
  }

  /**
   * Whether a search hit or mget doc carries its vector. Elasticsearch 9.x leaves dense vectors out
   * of {@code _source} by default unless asked (see {@link ElasticsearchGateway#readVectors}). A
   * vector is an array, or the base64 string the indexer writes to 9.3+ where a source keeps it as sent.
   */
  public static boolean hasVector(JsonNode hit) {
    JsonNode vector = hit.path("_source").path(IndexMapping.VECTOR);
    return vector.isArray() || vector.isTextual();
  }

  /** Whether any document of search hits or mget docs (those found) lacks its vector. */
  public static boolean anyWithoutVector(JsonNode docs) {
    for (JsonNode doc : docs) {
      boolean found = doc.has("found") ? doc.path("found").asBoolean() : !doc.has("error");
      if (found && !hasVector(doc)) {
        return true;
      }
    }
    return false;
  }

  /** Reads a search hit or mget doc whose _source holds the vector. */
  public static IndexDocument fromHit(JsonNode hit) {
    JsonNode source = hit.path("_source");
    if (!hasVector(hit)) {
      throw new ElasticsearchStatusException(200, "missing_vector", "document '" + hit.path("_id").asText()
          + "' of index '" + hit.path("_index").asText() + "' came back without its vector in _source");
    }
    JsonNode labelId = source.path(IndexMapping.LABEL_ID);
    return new IndexDocument(reportedId(hit), source.path(IndexMapping.SAMPLE_ID).asText(null),
        labelId.isTextual() ? labelId.asText() : null, vector(source.path(IndexMapping.VECTOR)));
  }

  /**
   * The id the API reports for a hit: the label id of a patch (users look patches up by label id;
   * the document id also holds the sample id, see {@link io.simstream.elasticsearch.PatchDocumentId}),
   * else the document id, which is the sample id.
   */
  public static String reportedId(JsonNode hit) {
    JsonNode labelId = hit.path("_source").path(IndexMapping.LABEL_ID);
    return labelId.isTextual() ? labelId.asText() : hit.path("_id").asText();
  }

  private static float[] vector(JsonNode value) {
    if (value.isTextual()) {
      try {
        return EventVectors.Reader.fromBase64(value.asText());
      } catch (IllegalArgumentException e) {
        throw new ElasticsearchStatusException(200, "unreadable_vector", e.getMessage());
      }
    }
    float[] vector = new float[value.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) value.get(i).asDouble();
    }
    return vector;
  }
}
