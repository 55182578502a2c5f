package io.simstream.api.search;

import java.util.List;

/**
 * Body of {@code POST .../{brainKey}/sort-by-similarity}: exactly one query ({@code id},
 * {@code ids}, {@code vector}, {@code vectors} or {@code text}) and the options.
 *
 * @param k                number of neighbours, 1..10,000 (default 10)
 * @param reverse          least similar first
 * @param restrictIds      only samples with these sample ids (any number)
 * @param restrictLabelIds only patches with these label ids (patch runs; any number)
 */
public record SortBySimilarityRequest(String id, List<String> ids, float[] vector, List<float[]> vectors, String text,
                                      Integer k, Boolean reverse, List<String> restrictIds,
                                      List<String> restrictLabelIds) {
}
