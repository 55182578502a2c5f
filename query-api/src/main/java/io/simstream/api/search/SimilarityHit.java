package io.simstream.api.search;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One neighbour. {@code id} is the sample id, or the label id on a patch run.
 * {@code distance} is the metric's own value (see {@link io.simstream.run.Metric}): cosine
 * distance, Euclidean distance, or the dot / inner product for the two product metrics.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimilarityHit(String id, String sampleId, String labelId, double distance) {
}
