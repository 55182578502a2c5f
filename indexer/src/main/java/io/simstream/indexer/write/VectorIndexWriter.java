package io.simstream.indexer.write;

import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.run.SimilarityRun;
import java.util.List;

/** The seam between the topology and Elasticsearch; tests record the writes instead. */
public interface VectorIndexWriter extends AutoCloseable {
  /**
   * Makes sure the run's index exists with the run's vector mapping and the write alias (creating it
   * when missing) and returns its identity, which changes when the index is deleted and created again.
   *
   * Returns or throws without waiting on an outage: a new index not checked yet throws
   * {@link IndexWriteException.Reason#INDEX_PENDING}, and its writes wait for a later call.
   *
   * @throws IndexWriteException when the index cannot be created or checked within the retry budget
   */
  String ensureIndex(SimilarityRun run);

  /**
   * Starts writing the ops without waiting: retries what is retryable in the background. Ops of the
   * same document are reduced to the one with the highest version.
   */
  PendingWrite submit(List<WriteOp> ops);

  /**
   * The run was deleted with its index at {@code deletedAtMs}: its writes, in flight or to come, are dropped, its
   * index is never created for it again, until a run of another id claims that index name ({@link #claim}), and an
   * index of that name still there a little later (the API's delete failed, or a write already on its way created
   * it again) is deleted.
   */
  void retire(SimilarityRun run, long deletedAtMs);

  /** The run is in the runs topic: an index of its name retired with a run of another id is this run's now. */
  void claim(SimilarityRun run);

  /** How this writer's requests carry vectors: what an op's bytes in flight are estimated by. */
  BulkVectorEncoding vectorEncoding();

  /** Writes the ops and waits for the outcome. */
  default WriteResult write(List<WriteOp> ops) {
    return submit(ops).join();
  }

  @Override
  default void close() {
  }
}
