package io.simstream.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricTest {

  /** The score formulas Elasticsearch documents for each similarity. */
  private static double esScore(Metric metric, float[] q, float[] x) {
    double dot = VectorMath.dot(q, x);
    return switch (metric) {
      case COSINE -> (1 + dot / (VectorMath.norm(q) * VectorMath.norm(x))) / 2;
      case DOTPRODUCT -> (1 + dot) / 2;
      case EUCLIDEAN -> 1 / (1 + VectorMath.squaredDistance(q, x));
      case INNERPRODUCT -> dot < 0 ? 1 / (1 - dot) : dot + 1;
    };
  }

  @Test
  void distanceFromScoreInvertsEachSimilarity() {
    Random random = new Random(7);
    for (Metric metric : Metric.values()) {
      for (int i = 0; i < 200; i++) {
        float[] q = randomVector(random, 8);
        float[] x = randomVector(random, 8);
        if (metric.normalizesVectors()) {
          q = VectorMath.normalized(q);
          x = VectorMath.normalized(x);
        }
        assertThat(metric.distanceFromScore(esScore(metric, q, x)))
            .as(metric.apiName()).isCloseTo(metric.distance(q, x), within(1e-9));
      }
    }
  }

  @Test
  void namesMapBothWays() {
    assertThat(Metric.fromApiName("EuclideaN")).isEqualTo(Metric.EUCLIDEAN);
    assertThat(Metric.fromEsSimilarity("max_inner_product")).isEqualTo(Metric.INNERPRODUCT);
    assertThat(Metric.DOTPRODUCT.esSimilarity()).isEqualTo("dot_product");
    assertThatThrownBy(() -> Metric.fromApiName("manhattan")).hasMessageContaining("cosine");
  }

  @Test
  void negatingTheQueryReversesTheOrderForProductMetrics() {
    float[] q = {1f, 0f};
    float[] near = {0.9f, 0.1f};
    float[] far = {-1f, 0f};
    assertThat(Metric.COSINE.distance(VectorMath.negated(q), far))
        .isLessThan(Metric.COSINE.distance(VectorMath.negated(q), near));
  }

  @Test
  void meanAndNormalisation() {
    assertThat(VectorMath.mean(java.util.List.of(new float[] {1, 3}, new float[] {3, 5}))).containsExactly(2f, 4f);
    assertThat(VectorMath.norm(VectorMath.normalized(new float[] {3, 4}))).isCloseTo(1.0, within(1e-6));
    assertThatThrownBy(() -> VectorMath.normalized(new float[] {0, 0})).isInstanceOf(IllegalArgumentException.class);
  }

  private static float[] randomVector(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
