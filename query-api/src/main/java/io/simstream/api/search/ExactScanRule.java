package io.simstream.api.search;

import io.simstream.run.Metric;

/**
 * Which queries the API answers with an exact scan although knn could run: those for which the
 * bench's recall table (docs/bench.md; 20,000 clustered 128-d vectors, one merged segment) measured
 * knn below recall@10 0.99 whatever the candidates and rescoring depth. Reversed sorts (the negated
 * query lies away from every document) reached 0.986 on dotproduct and 0.78-0.88 on innerproduct;
 * on innerproduct (no triangle inequality to guide HNSW) stored ids and means stayed at 0.91-0.97,
 * with int8 and with float vectors alike. On 150,000 documents innerproduct vectors stayed at 0.976
 * (int8_hnsw) and 0.987 (float hnsw) with 500 to 10,000 candidates and any rescoring depth, but
 * those go on with knn: a scan there costs seconds per query. Indexes whose knn compares every
 * vector ({@link KnnEffort#comparesEveryVector}) are exempt: on 150,000 documents int8_flat and flat
 * reached 0.999-1.000 (worst query 0.9-1.0) for innerproduct ids and means and for reverse on cosine,
 * dotproduct and innerproduct, in 20-30 ms against 2.6-4.5 s for a scan, and int4_flat 0.999-1.000. A client
 * that sets {@code numCandidates} asks for knn and gets it (except the Euclidean farthest neighbours, which knn
 * cannot express).
 */
public final class ExactScanRule {
  private ExactScanRule() {
  }

  /** Whether knn falls short of the recall target for this metric, index type, query shape and order. */
  public static boolean knnFallsShort(Metric metric, String indexOptions, QueryShape shape, boolean reverse) {
    return !KnnEffort.comparesEveryVector(indexOptions)
        && (reverse || metric == Metric.INNERPRODUCT && shape != QueryShape.GIVEN);
  }

  /**
   * Whether knn cannot answer at all, whatever the candidates: the farthest points in Euclidean
   * distance are not the nearest of any query vector, so no knn body expresses them.
   */
  public static boolean knnCannotExpress(Metric metric, boolean reverse) {
    return reverse && metric == Metric.EUCLIDEAN;
  }
}
