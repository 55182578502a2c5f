package io.simstream.indexer.write;

import io.simstream.run.SimilarityRun;
import java.util.List;

/** The seam between the topology and Elasticsearch; tests record the writes instead. */
public interface VectorIndexWriter extends AutoCloseable {
  /** Creates the run's index when it does not exist yet (with the run's vector mapping). */
  void ensureIndex(SimilarityRun run);

  /**
   * Writes all ops, retrying what is retryable, and returns only when every op was applied, found a
   * newer version, or was rejected as bad input.
   *
   * @throws IndexWriteException when Elasticsearch stayed unavailable for longer than the retry budget
   */
  WriteResult write(List<WriteOp> ops);

  @Override
  default void close() {
  }
}
