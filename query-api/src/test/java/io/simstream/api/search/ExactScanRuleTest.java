package io.simstream.api.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.simstream.run.Metric;
import org.junit.jupiter.api.Test;

/** The measured rule: which query kinds and metrics knn answers, and which go to a scan. */
class ExactScanRuleTest {

  @Test
  void queriesAmongTheDocumentsStayOnKnnExceptInnerProductIdsAndMeans() {
    for (Metric metric : Metric.values()) {
      assertThat(ExactScanRule.knnFallsShort(metric, QueryShape.GIVEN, false)).as("%s given", metric).isFalse();
      boolean innerProduct = metric == Metric.INNERPRODUCT;
      assertThat(ExactScanRule.knnFallsShort(metric, QueryShape.STORED, false)).as("%s stored", metric)
          .isEqualTo(innerProduct);
      assertThat(ExactScanRule.knnFallsShort(metric, QueryShape.MEAN, false)).as("%s mean", metric)
          .isEqualTo(innerProduct);
    }
  }

  @Test
  void everyReversedSortIsAScan() {
    for (Metric metric : Metric.values()) {
      for (QueryShape shape : QueryShape.values()) {
        assertThat(ExactScanRule.knnFallsShort(metric, shape, true)).as("%s %s reversed", metric, shape).isTrue();
      }
    }
  }
}
