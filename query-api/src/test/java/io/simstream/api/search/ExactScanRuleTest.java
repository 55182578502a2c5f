package io.simstream.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.run.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measured rule: which query kinds and metrics knn answers, and which go to a scan. */
class ExactScanRuleTest {

  @Test
  void queriesAmongTheDocumentsStayOnKnnExceptInnerProductIdsAndMeans() {
    for (Metric metric : Metric.values()) {
      assertThat(ExactScanRule.knnFallsShort(metric, "int8_hnsw", QueryShape.GIVEN, false)).as("%s given", metric).isFalse();
      boolean innerProduct = metric == Metric.INNERPRODUCT;
      assertThat(ExactScanRule.knnFallsShort(metric, "int8_hnsw", QueryShape.STORED, false)).as("%s stored", metric)
          .isEqualTo(innerProduct);
      assertThat(ExactScanRule.knnFallsShort(metric, "int8_hnsw", QueryShape.MEAN, false)).as("%s mean", metric)
          .isEqualTo(innerProduct);
    }
  }

  @Test
  void everyReversedSortOnAGraphIsAScan() {
    for (Metric metric : Metric.values()) {
      for (QueryShape shape : QueryShape.values()) {
        for (String indexOptions : new String[] {"int8_hnsw", "hnsw", "bbq_hnsw", "int4_hnsw", "bbq_flat"}) {
          assertThat(ExactScanRule.knnFallsShort(metric, indexOptions, shape, true))
              .as("%s %s %s reversed", metric, indexOptions, shape).isTrue();
        }
      }
    }
  }

  @Test
  void knnThatComparesEveryVectorIsNeverShort() {
    for (Metric metric : Metric.values()) {
      for (QueryShape shape : QueryShape.values()) {
        for (boolean reverse : new boolean[] {false, true}) {
          assertThat(ExactScanRule.knnFallsShort(metric, "int8_flat", shape, reverse)).isFalse();
          assertThat(ExactScanRule.knnFallsShort(metric, "flat", shape, reverse)).isFalse();
          assertThat(ExactScanRule.knnFallsShort(metric, "int4_flat", shape, reverse)).isFalse();
        }
      }
      // Whatever the index, knn cannot ask for the farthest points in Euclidean distance.
      assertThat(ExactScanRule.knnCannotExpress(metric, true)).isEqualTo(metric == Metric.EUCLIDEAN);
    }
    for (QueryShape shape : List.of(QueryShape.STORED, QueryShape.MEAN)) {
      assertThat(ExactScanRule.knnFallsShort(Metric.INNERPRODUCT, "int8_flat", shape, false)).as("%s", shape).isFalse();
      assertThat(ExactScanRule.knnFallsShort(Metric.INNERPRODUCT, "flat", shape, false)).as("%s", shape).isFalse();
      assertThat(ExactScanRule.knnFallsShort(Metric.INNERPRODUCT, "int4_flat", shape, false)).as("%s", shape).isFalse();
      assertThat(ExactScanRule.knnFallsShort(Metric.INNERPRODUCT, "hnsw", shape, false)).as("%s", shape).isTrue();
      assertThat(ExactScanRule.knnFallsShort(Metric.INNERPRODUCT, "bbq_flat", shape, false)).as("%s", shape).isTrue();
    }
  }
}
