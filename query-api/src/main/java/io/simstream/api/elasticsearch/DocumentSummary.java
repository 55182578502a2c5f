package io.simstream.api.elasticsearch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.simstream.elasticsearch.IndexMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * What the results page draws for one document of a run's index: the sample's image and, for a
 * patch, its field, label and box (relative [x, y, width, height]), as the indexer stored them in
 * the document's {@code summary}. {@code id} is the id the API speaks (the sample id, or the label
 * id of a patch). Members the document lacks are null and left out of the JSON: a document written
 * by an indexer from before summaries has none until its sample changes again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentSummary(String id, String sampleId, String labelId, String imageUri, String field,
                              String label, List<Double> boundingBox) {

  /** The source fields a summary reads: never the vector. */
  public static final List<String> SOURCE_FIELDS = List.of(IndexMapping.SAMPLE_ID, IndexMapping.LABEL_ID,
      IndexMapping.SUMMARY);

  /** Reads a search hit or found mget doc; tolerates a missing or partial summary. */
  public static DocumentSummary fromHit(JsonNode hit) {
    JsonNode source = hit.path("_source");
    JsonNode summary = source.path(IndexMapping.SUMMARY);
    return new DocumentSummary(IndexDocument.reportedId(hit), text(source.path(IndexMapping.SAMPLE_ID)),
        text(source.path(IndexMapping.LABEL_ID)), text(summary.path(IndexMapping.IMAGE_URI)),
        text(summary.path(IndexMapping.FIELD)), text(summary.path(IndexMapping.LABEL)),
        box(summary.path(IndexMapping.BOUNDING_BOX)));
  }

  private static String text(JsonNode value) {
    return value.isTextual() ? value.asText() : null;
  }

  private static List<Double> box(JsonNode value) {
    if (!value.isArray() || value.size() != 4) {
      return null;
    }
    List<Double> box = new ArrayList<>(4);
    value.forEach(n -> box.add(n.asDouble()));
    return List.copyOf(box);
  }
}
