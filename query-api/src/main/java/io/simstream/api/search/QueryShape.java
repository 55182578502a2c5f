package io.simstream.api.search;

/**
 * Where a query vector lies relative to the indexed documents, which decides how widely HNSW must
 * search: a stored or a new data-like vector sits among the documents; a mean of several, or the
 * negated query of a reversed sort, usually lies between or away from them, where the graph's
 * greedy descent stops early at a local best.
 */
public enum QueryShape {
  /** The stored vector of one id: a point of the graph. */
  STORED,
  /** A vector given by the client or embedded from text. */
  GIVEN,
  /** The mean of several stored or given vectors. */
  MEAN,
  /** The negation of the query, for a reversed sort. */
  NEGATED;

  /** Whether the query tends to lie off the documents' manifold. */
  boolean offManifold() {
    return this == MEAN || this == NEGATED;
  }
}
