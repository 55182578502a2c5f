package io.simstream.api.embeddings;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One stored vector: document id (sample id, or label id on a patch run), sample id, label id. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Embedding(String id, String sampleId, String labelId, float[] vector) {
}
