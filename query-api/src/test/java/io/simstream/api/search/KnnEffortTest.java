package io.simstream.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.run.Metric;
import org.junit.jupiter.api.Test;

class KnnEffortTest {
  @Test
  void queriesAmongTheDocumentsGatherTwentyPerHitAndRescoreThree() {
    assertThat(KnnEffort.forQuery(Metric.COSINE, "int8_hnsw", QueryShape.GIVEN, 10)).isEqualTo(new KnnEffort(500, 3.0));
    assertThat(KnnEffort.forQuery(Metric.EUCLIDEAN, "int8_hnsw", QueryShape.STORED, 100))
        .isEqualTo(new KnnEffort(2_000, 3.0));
  }

  @Test
  void meansAndInnerProductSearchAsWideAsElasticsearchAllows() {
    // The recall table at 150,000 documents: 2,000 candidates left means below recall@10 0.99.
    assertThat(KnnEffort.forQuery(Metric.COSINE, "int8_hnsw", QueryShape.MEAN, 10)).isEqualTo(new KnnEffort(10_000, 10.0));
    assertThat(KnnEffort.forQuery(Metric.INNERPRODUCT, "int8_hnsw", QueryShape.GIVEN, 10))
        .isEqualTo(new KnnEffort(10_000, 10.0));
  }

  @Test
  void floatIndexesAreNotRescoredAndLargeKNeverGathersFewerThanK() {
    assertThat(KnnEffort.forQuery(Metric.DOTPRODUCT, "hnsw", QueryShape.GIVEN, 10).oversample()).isZero();
    KnnEffort large = KnnEffort.forQuery(Metric.COSINE, "int8_hnsw", QueryShape.MEAN, 5_000);
    assertThat(large.numCandidates()).isEqualTo(10_000);
    assertThat(large.oversample()).isEqualTo(2.0); // never more rescored than gathered
  }

  @Test
  void indexesThatCompareEveryVectorGetTheNarrowEffortForEveryQuery() {
    // int8_flat at 150,000 clustered 128-d vectors: 1.000 for means and inner product at 500 candidates
    // and 3 * k rescored; 10,000 candidates only cost time.
    for (Metric metric : Metric.values()) {
      for (QueryShape shape : QueryShape.values()) {
        assertThat(KnnEffort.forQuery(metric, "int8_flat", shape, 10)).as("%s %s", metric, shape)
            .isEqualTo(new KnnEffort(500, 3.0));
        assertThat(KnnEffort.forQuery(metric, "flat", shape, 10)).isEqualTo(new KnnEffort(500, 0));
        // int4_flat at 150,000: 0.999-1.000 in every cell with 3 * k rescored (docs/bench.md, int4_flat in the recall table).
        assertThat(KnnEffort.forQuery(metric, "int4_flat", shape, 10)).as("%s %s int4_flat", metric, shape)
            .isEqualTo(new KnnEffort(500, 3.0));
      }
    }
    // 1-bit flat scores were not measured: they keep the graph's rule.
    assertThat(KnnEffort.forQuery(Metric.COSINE, "bbq_flat", QueryShape.MEAN, 10)).isEqualTo(new KnnEffort(10_000, 10.0));
    assertThat(KnnEffort.comparesEveryVector("bbq_flat")).isFalse();
    assertThat(KnnEffort.comparesEveryVector(null)).isFalse();
  }
}
