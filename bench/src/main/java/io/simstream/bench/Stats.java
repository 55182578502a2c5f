package io.simstream.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles by the nearest-rank method: every reported value is one that was observed. */
final class Stats {
  private Stats() {
  }

  /** The p-th percentile (0 < p <= 100) of the samples, in the samples' unit. */
  static double percentile(List<Double> samples, double p) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  static double mean(List<Double> samples) {
    return samples.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
