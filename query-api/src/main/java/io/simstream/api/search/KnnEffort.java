package io.simstream.api.search;

import io.simstream.run.Metric;

/**
 * How hard one knn search works: {@code numCandidates} documents gathered per shard by the HNSW
 * search, and, on quantized indexes, the best {@code oversample * k} of them rescored with the
 * float vectors ({@code oversample} 0: no rescoring).
 *
 * <p>Why the default rule: with the old 10 candidates per hit (at least 100), an outside test on
 * clustered 128-d vectors (int8_hnsw) measured recall@10 0.96 (worst query 0.6) for vectors on
 * 150,000 documents and 0.82 for means of 3 ids on 20,000, while int8_flat with the same rescoring
 * gave 1.000: HNSW stops at a local best before it reaches the true neighbours of a query that
 * lies between clusters. Queries off the documents' manifold (means, negated queries of reversed
 * sorts) and maximum inner product (no triangle inequality to guide the graph) get a wider search.
 * The bench's recall table (docs/bench.md) measures the result per query kind and metric; where
 * knn stays below the 0.99 target at any effort, {@link ExactScanRule} sends the query to a scan.
 *
 * <p>Rescoring deeper does not lift int8_hnsw (measured on 150,000 documents, 2026-12-03): means of
 * 3 ids stayed at recall@10 0.978 (worst 0.5) from 30 rescored candidates to all 10,000, because
 * the missing neighbour of a failing query was not among the 10,000 candidates at all; float
 * {@code hnsw} found them (0.996) and int8_flat, which scores every vector, found all (1.000).
 */
public record KnnEffort(int numCandidates, double oversample) {
  /** Elasticsearch's cap on num_candidates. */
  public static final int MAX_NUM_CANDIDATES = 10_000;
  /** Candidates per hit and the floor, for queries among the documents. */
  static final int CANDIDATES_PER_HIT = 20;
  static final int MIN_CANDIDATES = 500;

  /** Rescored candidates per hit: Elasticsearch's own bbq default; wide searches rescore deeper. */
  public static final double RESCORE_OVERSAMPLE = 3.0;
  static final double WIDE_RESCORE_OVERSAMPLE = 10.0;

  /** The default effort for a query of this shape on an index of these options (null: unknown, no rescoring). */
  public static KnnEffort forQuery(Metric metric, String indexOptions, QueryShape shape, int k) {
    // Means, negated queries and inner product on a graph gather Elasticsearch's maximum: at 150,000
    // clustered 128-d vectors, 2,000 candidates left means at recall@10 0.975-0.984 (worst query 0.7),
    // and inner product on 20,000 at 0.989 (0.8); a scan costs seconds there. Knn that compares every
    // vector has no graph to get lost in: on int8_flat the narrow effort gave 0.999-1.000 for every
    // kind and metric at 150,000, and 10,000 candidates only cost time (44-57 ms instead of 25-33).
    boolean wide = !comparesEveryVector(indexOptions) && (shape.offManifold() || metric == Metric.INNERPRODUCT);
    int numCandidates = wide ? MAX_NUM_CANDIDATES : clamp(Math.max(MIN_CANDIDATES, CANDIDATES_PER_HIT * k), k);
    return new KnnEffort(numCandidates, isQuantized(indexOptions)
        ? rescoreDepth(wide ? WIDE_RESCORE_OVERSAMPLE : RESCORE_OVERSAMPLE, numCandidates, k) : 0);
  }

  /** The effort with the candidate count a client asked for (already checked to lie in k..10,000). */
  KnnEffort withCandidates(int requested, int k) {
    return new KnnEffort(requested, oversample == 0 ? 0 : rescoreDepth(oversample, requested, k));
  }

  public static boolean isQuantized(String indexOptions) {
    return indexOptions != null && (indexOptions.startsWith("int") || indexOptions.startsWith("bbq"));
  }

  /**
   * Whether knn on this index type compares the query with every vector, scored in float, int8 or int4 and
   * rescored: then it finds what a scan finds. int4_flat reached recall@10 0.999-1.000 (worst query 0.9) in every
   * cell of the bench's recall table at 150,000 documents with 3 * k rescored (docs/bench.md); bbq_flat's 1-bit
   * scores were not measured and are not counted.
   */
  public static boolean comparesEveryVector(String indexOptions) {
    return "flat".equals(indexOptions) || "int8_flat".equals(indexOptions) || "int4_flat".equals(indexOptions);
  }

  /** Never more rescored than gathered: at large k the candidates, not the factor, bound the depth. */
  private static double rescoreDepth(double oversample, int numCandidates, int k) {
    return Math.max(1.0, Math.min(oversample, numCandidates / (double) k));
  }

  private static int clamp(int candidates, int k) {
    return Math.min(MAX_NUM_CANDIDATES, Math.max(k, candidates));
  }
}
