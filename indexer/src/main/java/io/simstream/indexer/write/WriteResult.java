package io.simstream.indexer.write;

import java.util.List;

/**
 * The outcome of a batch of writes once nothing is left to retry.
 *
 * @param applied   writes Elasticsearch took (404 on a delete counts: the document is gone either way)
 * @param conflicts 409 version_conflict: Elasticsearch already holds this or a newer version
 * @param rejected  writes refused as bad input (400), for the dead-letter topic
 */
public record WriteResult(int applied, int conflicts, List<Rejection> rejected) {
  public record Rejection(WriteOp op, String reason) {
  }
}
