package io.simstream.api.search;

import io.simstream.run.Metric;
import java.util.List;

/**
 * The answer of a sort-by-similarity: hits ordered most similar first (least similar first when
 * reversed). {@code method} is {@code knn} (approximate search, exact rescored distances) or
 * {@code exact-scan} (every vector compared).
 */
public record SimilarityResult(String dataset, String brainKey, Metric metric, int k, boolean reverse, String method,
                               List<SimilarityHit> hits) {
}
