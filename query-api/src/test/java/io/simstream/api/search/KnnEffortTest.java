package io.simstream.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.run.Metric;
import org.junit.jupiter.api.Test;

class KnnEffortTest {
  @Test
  void queriesAmongTheDocumentsGatherTwentyPerHitAndRescoreThree() {
    assertThat(KnnEffort.forQuery(Metric.COSINE, true, QueryShape.GIVEN, 10)).isEqualTo(new KnnEffort(500, 3.0));
    assertThat(KnnEffort.forQuery(Metric.EUCLIDEAN, true, QueryShape.STORED, 100))
        .isEqualTo(new KnnEffort(2_000, 3.0));
  }

  @Test
  void meansAndInnerProductSearchAsWideAsElasticsearchAllows() {
    // The recall table at 150,000 documents: 2,000 candidates left means below recall@10 0.99.
    assertThat(KnnEffort.forQuery(Metric.COSINE, true, QueryShape.MEAN, 10)).isEqualTo(new KnnEffort(10_000, 10.0));
    assertThat(KnnEffort.forQuery(Metric.INNERPRODUCT, true, QueryShape.GIVEN, 10))
        .isEqualTo(new KnnEffort(10_000, 10.0));
  }

  @Test
  void floatIndexesAreNotRescoredAndLargeKNeverGathersFewerThanK() {
    assertThat(KnnEffort.forQuery(Metric.DOTPRODUCT, false, QueryShape.GIVEN, 10).oversample()).isZero();
    KnnEffort large = KnnEffort.forQuery(Metric.COSINE, true, QueryShape.MEAN, 5_000);
    assertThat(large.numCandidates()).isEqualTo(10_000);
    assertThat(large.oversample()).isEqualTo(2.0); // never more rescored than gathered
  }
}
