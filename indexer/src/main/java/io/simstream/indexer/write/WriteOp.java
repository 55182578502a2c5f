package io.simstream.indexer.write;

import io.simstream.elasticsearch.BulkVectorEncoding;
import io.simstream.run.SimilarityRun;

/**
 * One document write: index or delete one document of one run's index, externally versioned with the
 * offset of the sample's latest event. {@code labelId} is null for whole-sample documents; {@code
 * vector} and {@code summary} are null for deletes. {@code overwritesEqual}: the write also replaces a
 * document of its own version ({@code external_gte}), not only older ones.
 */
public record WriteOp(Action action, String index, String id, long version, String sampleId, String labelId,
                      float[] vector, DocumentSummary summary, boolean overwritesEqual) {
  public enum Action { INDEX, DELETE }

  public static WriteOp index(SimilarityRun run, String id, long version, String sampleId, String labelId,
                              float[] vector, DocumentSummary summary) {
    return new WriteOp(Action.INDEX, run.indexName(), id, version, sampleId, labelId, vector, summary, false);
  }

  public static WriteOp delete(SimilarityRun run, String id, long version, String sampleId) {
    return new WriteOp(Action.DELETE, run.indexName(), id, version, sampleId, null, null, null, false);
  }

  /** The delete that withdraws this op's document, at the same version and replacing what this op would have. */
  public WriteOp withdrawn() {
    return new WriteOp(Action.DELETE, index, id, version, sampleId, null, null, null, overwritesEqual);
  }

  /** This write, replacing a document of its own version too. */
  public WriteOp overwritingEqual() {
    return new WriteOp(action, index, id, version, sampleId, labelId, vector, summary, true);
  }

  /** Bytes this op takes in a bulk body with its vector written in {@code encoding}. */
  public long estimatedBytes(BulkVectorEncoding encoding) {
    return 160 + id.length() * 2L + (vector == null ? 0 : encoding.vectorBytes(vector.length))
        + (summary == null ? 0 : summary.estimatedBytes());
  }
}
