package io.simstream.indexer.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.run.Metric;
import io.simstream.run.SimilarityRun;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BulkItemOutcomeTest {
  private static final SimilarityRun RUN = new SimilarityRun("r", "ds", "bk", "idx", SimilarityRun.PRECOMPUTED,
      Metric.COSINE, 2, null, "flat", false, Instant.EPOCH);
  private static final WriteOp INDEX = WriteOp.index(RUN, "s1", 3, "s1", null, new float[] {1, 0}, DocumentSummary.ofSample(null));
  private static final WriteOp DELETE = WriteOp.delete(RUN, "s1", 3, "s1");

  @Test
  void onlyBadDocumentsAreRejectedStatesAnOperatorCanLiftAreRetried() {
    assertThat(BulkItemOutcome.of(INDEX, 201, null)).isEqualTo(BulkItemOutcome.APPLIED);
    assertThat(BulkItemOutcome.of(INDEX, 409, "version_conflict_engine_exception"))
        .isEqualTo(BulkItemOutcome.CONFLICT);
    assertThat(BulkItemOutcome.of(INDEX, 400, "mapper_parsing_exception")).isEqualTo(BulkItemOutcome.REJECTED);
    assertThat(BulkItemOutcome.of(INDEX, 403, "cluster_block_exception")).as("write block")
        .isEqualTo(BulkItemOutcome.RETRY);
    assertThat(BulkItemOutcome.of(INDEX, 400, "index_closed_exception")).as("closed index")
        .isEqualTo(BulkItemOutcome.RETRY);
    assertThat(BulkItemOutcome.of(INDEX, 429, "es_rejected_execution_exception")).isEqualTo(BulkItemOutcome.RETRY);
    assertThat(BulkItemOutcome.of(INDEX, 503, "unavailable_shards_exception")).isEqualTo(BulkItemOutcome.RETRY);
    assertThat(BulkItemOutcome.of(INDEX, 404, "index_not_found_exception")).as("alias gone with its index")
        .isEqualTo(BulkItemOutcome.INDEX_MISSING);
  }

  @Test
  void aDeleteOfSomethingAbsentIsDone() {
    assertThat(BulkItemOutcome.of(DELETE, 404, null)).isEqualTo(BulkItemOutcome.APPLIED);
    assertThat(BulkItemOutcome.of(DELETE, 404, "index_not_found_exception")).isEqualTo(BulkItemOutcome.APPLIED);
  }
}
