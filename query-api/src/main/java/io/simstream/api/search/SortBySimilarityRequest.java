package io.simstream.api.search;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.simstream.api.error.BadRequestException;
import io.simstream.api.http.RequestIds;
import java.util.List;

/**
 * Body of {@code POST .../{brainKey}/sort-by-similarity}: exactly one query ({@code id},
 * {@code ids}, {@code vector}, {@code vectors}, {@code image} or {@code text}) and the options (JSON nulls inside
 * arrays are refused by {@link io.simstream.api.http.JsonIO}, invalid document ids by
 * {@link RequestIds}). Given vectors are
 * checked here, before anything reaches Elasticsearch: every value a finite float, and a squared
 * length that still fits a float, since Elasticsearch computes norms and products in float and
 * refuses (or ranks by NaN) what overflows.
 *
 * @param k                number of neighbours, 1..10,000 (default 10)
 * @param reverse          least similar first
 * @param restrictIds      only samples with these sample ids (any number); alias {@code restrict_ids}
 * @param restrictLabelIds only patches with these label ids (patch runs; any number); alias
 *                         {@code restrict_label_ids}
 * @param numCandidates    knn candidates per shard, k..10,000, instead of the API's rule ({@link KnnEffort})
 * @param exact            true: compare every matching vector (an exact scan) instead of knn
 */
public record SortBySimilarityRequest(String id, List<String> ids, float[] vector, List<float[]> vectors, byte[] image,
                                      String text,
                                      Integer k, Boolean reverse,
                                      @JsonAlias("restrict_ids") List<String> restrictIds,
                                      @JsonAlias("restrict_label_ids") List<String> restrictLabelIds,
                                      Integer numCandidates, Boolean exact) {

  public SortBySimilarityRequest {
    RequestIds.requireValid("id", id);
    RequestIds.requireValid("ids", ids);
    RequestIds.requireValid("restrictIds", restrictIds);
    RequestIds.requireValid("restrictLabelIds", restrictLabelIds);
    if (vector != null) {
      requireFloatRange(vector, "vector");
    }
    if (vectors != null) {
      for (int i = 0; i < vectors.size(); i++) {
        requireFloatRange(vectors.get(i), "vectors[" + i + "]");
      }
    }
  }

  private static void requireFloatRange(float[] vector, String field) {
    double squaredLength = 0;
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new BadRequestException(field + "[" + i + "] is not a finite float: values must lie within +-"
            + Float.MAX_VALUE);
      }
      squaredLength += (double) vector[i] * vector[i];
    }
    if (squaredLength > Float.MAX_VALUE) {
      throw new BadRequestException(field + " is too long: its squared length " + squaredLength
          + " overflows a float (at most " + Float.MAX_VALUE + "); scale it down");
    }
  }
}
